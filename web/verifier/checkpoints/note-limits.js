// Port of Ledger.Core/Checkpoints/NoteLimits.cs: every bound on signed notes and checkpoints, stated once.
export const NoteBytesMax = 64 * 1024;
export const SignatureLinesMax = 100;
export const KeyNameBytesMax = 256;
export const OriginBytesMax = 256;
export const ExtensionLinesMax = 16;
export const ExtensionLineBytesMax = 1024;
export const SignatureBytesMax = 1024;
export const RootHashBytes = 32;
export const KeyIdBytes = 4;
