namespace Ledger.Browser.Tests.Support;

/// <summary>
/// A page that loads the in-browser verifier (web/verifier/index.js) the way the node's pages do, through
/// an import map of the bare specifiers (web/README.md), and exposes it as <c>window.ledgerVerifier</c>
/// (or the import's failure as <c>window.ledgerVerifierError</c>).
/// </summary>
public static class VerifierPage
{
    public const string Path = "cross-check.html";

    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>verifier under test</title>
        <script type="importmap">{"imports":{"#ledger/":"/verifier/","#vendor/":"/vendor/"}}</script>
        <script type="module">
        import('#ledger/index.js').then(
          (module) => { window.ledgerVerifier = module; },
          (error) => { window.ledgerVerifierError = String(error && error.stack || error); });
        </script>
        </head>
        <body><p>in-browser verifier under test</p></body>
        </html>
        """;

    /// <summary>Waits for the import; returns null when loaded, else why not.</summary>
    public const string WaitForLoadScript = """
        const done = arguments[arguments.length - 1];
        const started = Date.now();
        (function poll() {
          if (window.ledgerVerifier) { done(null); return; }
          if (window.ledgerVerifierError) { done(window.ledgerVerifierError); return; }
          if (Date.now() - started > 30000) { done('web/verifier/index.js did not load within 30 s'); return; }
          setTimeout(poll, 20);
        })();
        """;

    /// <summary>
    /// arguments[0]: cases {bundle: base64, trusted: hex|null, sha256: hex|null, sm3: hex|null}; returns one JSON
    /// string per case: {malformed, report, text, error} as verifyBundle returned them, or {thrown}.
    /// </summary>
    public const string VerifyCasesScript = """
        const done = arguments[arguments.length - 1];
        const cases = arguments[0];
        const fromBase64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
        const fromHex = (h) => Uint8Array.from(h.match(/../g) ?? [], (b) => parseInt(b, 16));
        (async () => {
          const results = [];
          for (const c of cases) {
            try {
              const options = {};
              if (c.trusted) { options.trustedGenesisSha256 = fromHex(c.trusted); }
              if (c.sha256) { options.content = { sha256: fromHex(c.sha256), sm3: c.sm3 ? fromHex(c.sm3) : null }; }
              const r = await window.ledgerVerifier.verifyBundle(fromBase64(c.bundle), options);
              results.push(JSON.stringify({ malformed: r.malformed ?? null, report: r.report ?? null, text: r.text ?? null, error: r.error ?? null }));
            } catch (e) {
              results.push(JSON.stringify({ thrown: String(e && e.stack || e) }));
            }
          }
          done(results);
        })();
        """;

    /// <summary>arguments[0]: base64 bundle, [1]: trusted hex or null, [2]: runs; returns the milliseconds of each run (performance.now around verifyBundle).</summary>
    public const string TimeVerificationScript = """
        const done = arguments[arguments.length - 1];
        const bundle = Uint8Array.from(atob(arguments[0]), (c) => c.charCodeAt(0));
        const trusted = arguments[1] ? Uint8Array.from(arguments[1].match(/../g), (b) => parseInt(b, 16)) : undefined;
        const runs = arguments[2];
        (async () => {
          const times = [];
          for (let i = 0; i < runs; i++) {
            const started = performance.now();
            const r = await window.ledgerVerifier.verifyBundle(bundle, { trustedGenesisSha256: trusted });
            times.push(performance.now() - started);
            if (!r.report) { done({ error: r.malformed ?? r.error }); return; }
          }
          done({ times });
        })();
        """;
}
