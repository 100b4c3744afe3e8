#!/usr/bin/env python3
"""Reads blocks from a Ledger node's public gRPC API with Python stubs generated from the .proto files.

Usage: read_block.py --stubs DIR --endpoint HOST:PORT HEIGHT [HEIGHT ...]

DIR holds the generated modules (ledger/v1/*_pb2.py, *_pb2_grpc.py and google/api/*_pb2.py; see
docs/other-languages.md). Prints one JSON object: the node's chain id and height, and for each block
its height, chain id, previous block hash, roots, transaction count and its header serialized again
(hex), so a caller can compare it with what another client read. Exits 1 with a message on an error.
"""
import argparse
import json
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stubs", required=True, help="directory of the generated Python modules")
    parser.add_argument("--endpoint", required=True, help="HOST:PORT of a node's public API (plaintext)")
    parser.add_argument("--timeout", type=float, default=30.0, help="deadline of each call, seconds")
    parser.add_argument("heights", nargs="+", type=int)
    args = parser.parse_args()
    sys.path.insert(0, args.stubs)

    import grpc
    from ledger.v1 import api_pb2, api_pb2_grpc

    with grpc.insecure_channel(args.endpoint) as channel:
        api = api_pb2_grpc.LedgerApiStub(channel)
        try:
            status = api.Status(api_pb2.StatusRequest(), timeout=args.timeout)
            blocks = []
            for height in args.heights:
                block = api.GetBlock(api_pb2.GetBlockRequest(height=height), timeout=args.timeout)
                header = block.header
                blocks.append({
                    "height": header.height,
                    "chain_id": header.chain_id,
                    "prev_block_hash": header.prev_block_hash.hex(),
                    "tx_root": header.tx_root.hex(),
                    "log_size": header.log_size,
                    "log_root": header.log_root.hex(),
                    "transactions": len(block.transactions),
                    "header": header.SerializeToString(deterministic=True).hex(),
                })
        except grpc.RpcError as error:
            print(f"read_block: {error.code().name}: {error.details()}", file=sys.stderr)
            return 1

    print(json.dumps({"chain_id": status.chain_id, "height": status.height, "blocks": blocks}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
