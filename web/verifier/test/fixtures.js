// Loads the fixtures the C# generator wrote (tests/Ledger.Core.Tests/Web/JsFixtures*.cs).
import { readFileSync } from 'node:fs';

export function loadFixture(name) {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));
}
