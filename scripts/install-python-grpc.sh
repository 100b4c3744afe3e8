#!/usr/bin/env bash
# Installs what the Python client test (tests/Ledger.Client.IntegrationTests, PythonClientTests) and
# docs/other-languages.md use: Debian's protoc, its gRPC plugins and the Python gRPC runtime.
#   protobuf-compiler      /usr/bin/protoc
#   protobuf-compiler-grpc /usr/bin/grpc_python_plugin (the gRPC stub generator for protoc)
#   python3-grpcio         the `grpc` module for /usr/bin/python3
#   python3-protobuf       the `google.protobuf` runtime for /usr/bin/python3
#   python3-grpc-tools     `python3 -m grpc_tools.protoc`, installed too when apt knows it
# Idempotent: does nothing when they are there. Everything comes from apt; `apt-get update` runs only
# when apt does not know a package yet. Needs root (or sudo).
set -euo pipefail

python=/usr/bin/python3
has_module() { [ -x "$python" ] && "$python" -c "import $1" >/dev/null 2>&1; }
known() { apt-cache show "$1" >/dev/null 2>&1; }

packages=()
[ -x /usr/bin/protoc ] || packages+=(protobuf-compiler)
[ -x /usr/bin/grpc_python_plugin ] || packages+=(protobuf-compiler-grpc)
has_module grpc || packages+=(python3-grpcio)
has_module google.protobuf || packages+=(python3-protobuf)
optional=()
has_module grpc_tools || optional+=(python3-grpc-tools)

if [ "${#packages[@]}" -eq 0 ] && [ "${#optional[@]}" -eq 0 ]; then
  echo "install-python-grpc: protoc, grpc_python_plugin, grpcio and protobuf for $python are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo -n)
else
  if [ "${#packages[@]}" -eq 0 ]; then
    echo "install-python-grpc: python3-grpc-tools is missing (optional) and there is no root to install it"
    exit 0
  fi
  echo "install-python-grpc: need root (or sudo) to apt-get install ${packages[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# apt-get update only for a required package apt does not know yet; never for the optional one alone.
for package in "${packages[@]}"; do
  if ! known "$package"; then
    echo "install-python-grpc: apt does not know $package yet: apt-get update"
    "${as_root[@]}" apt-get update -qq
    break
  fi
done

# python3-grpc-tools is optional: installed when this Debian release has it, never a failure when not.
for package in "${optional[@]}"; do
  if known "$package"; then
    packages+=("$package")
  else
    echo "install-python-grpc: apt has no $package (optional): skipped"
  fi
done

if [ "${#packages[@]}" -eq 0 ]; then
  echo "install-python-grpc: nothing to install"
  exit 0
fi

echo "install-python-grpc: apt-get install ${packages[*]}"
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${packages[@]}"

missing=()
[ -x /usr/bin/protoc ] || missing+=(/usr/bin/protoc)
[ -x /usr/bin/grpc_python_plugin ] || missing+=(/usr/bin/grpc_python_plugin)
has_module grpc || missing+=("python module grpc")
has_module google.protobuf || missing+=("python module google.protobuf")
if [ "${#missing[@]}" -ne 0 ]; then
  echo "install-python-grpc: still missing after apt-get install: ${missing[*]}" >&2
  exit 1
fi
echo "install-python-grpc: done"
