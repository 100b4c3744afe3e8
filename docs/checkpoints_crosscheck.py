# Independent cross-check of docs/checkpoints.md's worked example with pyca/cryptography (no Ledger code):
# run from the repository root: python3 docs/checkpoints_crosscheck.py
import base64, hashlib, struct, re
from cryptography.hazmat.primitives.asymmetric import ed25519, ec
from cryptography.hazmat.primitives import hashes, serialization
doc = open('docs/checkpoints.md', encoding='utf-8').read()
note = re.search(r"```note\n(.*?)```", doc, re.S).group(1)
text, sigs = note[:note.rindex("\n\n")+1], note[note.rindex("\n\n")+2:]
origin, size, root = text.split("\n")[:3]
lines = [l for l in sigs.split("\n") if l]
spkis = re.findall(r"\| node-\d \| `([^`]+)`", doc)
ok = []
for l in lines:
    _, name, b64 = l.split(" ")
    blob = base64.b64decode(b64); kid, sig = blob[:4], blob[4:]
    if name == origin:
        for spki_b64 in spkis:
            spki = base64.b64decode(spki_b64)
            logid = hashlib.sha256(spki).digest()
            if hashlib.sha256(name.encode()+b"\n\x05"+logid).digest()[:4] != kid: continue
            ts = struct.unpack(">Q", sig[:8])[0]; assert sig[8:10] == b"\x04\x03"
            n = struct.unpack(">H", sig[10:12])[0]; der = sig[12:]; assert len(der) == n
            msg = b"\x00\x01" + struct.pack(">QQ", ts, int(size)) + base64.b64decode(root)
            serialization.load_der_public_key(spki).verify(der, msg, ec.ECDSA(hashes.SHA256()))
            ok.append(("node 0x05", kid.hex()))
    else:
        pub = base64.b64decode(re.search(r"Witness public key: `([^`]+)`", doc).group(1))
        assert hashlib.sha256(name.encode()+b"\n\x04"+pub).digest()[:4] == kid
        ts = struct.unpack(">Q", sig[:8])[0]
        msg = f"cosignature/v1\ntime {ts}\n".encode() + text.encode()
        ed25519.Ed25519PublicKey.from_public_bytes(pub).verify(sig[8:], msg)
        ok.append(("witness 0x04", kid.hex(), ts))
# ed25519 node line (type 0x01)
edpub = base64.b64decode(re.search(r"public `([^`]+)`, key id SHA-256\(origin", doc).group(1))
edline = re.search(r"```text\n(— [^\n]+)\n```\n\n<!-- END", doc).group(1)
blob = base64.b64decode(edline.split(" ")[2])
assert hashlib.sha256(origin.encode()+b"\n\x01"+edpub).digest()[:4] == blob[:4]
ed25519.Ed25519PublicKey.from_public_bytes(edpub).verify(blob[4:], text.encode())
ok.append(("ed25519 0x01", blob[:4].hex()))
print("verified with pyca/cryptography:", ok)
