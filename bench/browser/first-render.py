#!/usr/bin/env python3
"""Time the explorer's first render in headless Chromium, N fresh page loads.

Drives Debian's chromium through chromedriver's W3C WebDriver HTTP API (Python standard library
only: nothing to install, no DevTools protocol). Each load gets a new browser session, so a new
profile with an empty cache: the figure is a first visit. The page itself records first render as
the performance mark 'explorer-first-render' (web/explorer/timing/first-render.js: navigation
start until the latest blocks list has been painted with its rows); this script only reads it.

Ends with one line: explorer_first_render_ms_p50=N p95=N chain_tx=N loads=N
"""
import argparse
import json
import math
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

MARK_SCRIPT = """
const mark = performance.getEntriesByName('explorer-first-render')[0];
return mark ? { ms: mark.startTime, rows: document.querySelectorAll('[data-testid="block-row"]').length } : null;
"""


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def call(base, method, path, body=None, timeout=120):
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(base + path, data=data, method=method, headers={'Content-Type': 'application/json'})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b'{}').get('value')
    except urllib.error.HTTPError as error:
        detail = json.loads(error.read() or b'{}').get('value', {})
        raise RuntimeError(f"WebDriver {method} {path}: {detail.get('error')}: {detail.get('message', '')[:300]}") from None


def percentile(sorted_values, quantile):
    """Nearest rank."""
    rank = max(1, math.ceil(quantile * len(sorted_values)))
    return sorted_values[rank - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--url', required=True, help='the explorer, e.g. http://127.0.0.1:7080/')
    parser.add_argument('--loads', type=int, default=20)
    parser.add_argument('--chain-tx', default='unknown', help='transactions in the chain (reported as is)')
    parser.add_argument('--chromedriver', default='/usr/bin/chromedriver')
    parser.add_argument('--chromium', default='/usr/bin/chromium')
    parser.add_argument('--window', default='1280,900')
    parser.add_argument('--mark-timeout-s', type=float, default=60)
    args = parser.parse_args()
    if not 1 <= args.loads <= 1000:
        parser.error('--loads must be 1..1000')

    port = free_port()
    driver = subprocess.Popen([args.chromedriver, f'--port={port}'], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f'http://127.0.0.1:{port}'
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if call(base, 'GET', '/status', timeout=5).get('ready'):
                    break
            except (OSError, RuntimeError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError('chromedriver did not become ready in 30 s')
            time.sleep(0.2)

        capabilities = {'capabilities': {'alwaysMatch': {
            'browserName': 'chrome',
            'goog:chromeOptions': {'binary': args.chromium, 'args': [
                '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-extensions',
                '--no-first-run', f'--window-size={args.window}']},
        }}}
        timings = []
        for load in range(1, args.loads + 1):
            session = call(base, 'POST', '/session', capabilities)['sessionId']
            try:
                call(base, 'POST', f'/session/{session}/url', {'url': args.url})
                mark_deadline = time.monotonic() + args.mark_timeout_s
                while True:
                    found = call(base, 'POST', f'/session/{session}/execute/sync', {'script': MARK_SCRIPT, 'args': []})
                    if found:
                        break
                    if time.monotonic() > mark_deadline:
                        raise RuntimeError(f'load {load}: no first-render mark after {args.mark_timeout_s} s')
                    time.sleep(0.05)
            finally:
                call(base, 'DELETE', f'/session/{session}')
            timings.append(found['ms'])
            print(f"load {load}: first render {found['ms']:.1f} ms, {found['rows']} block rows", file=sys.stderr)
    finally:
        driver.terminate()
        driver.wait(10)

    ordered = sorted(timings)
    print(f'explorer_first_render_ms_p50={percentile(ordered, 0.50):.0f} p95={percentile(ordered, 0.95):.0f} '
          f'chain_tx={args.chain_tx} loads={len(ordered)}')


if __name__ == '__main__':
    main()
