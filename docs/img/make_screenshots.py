"""Take the screenshots of docs/review.md: `saidwhat serve` over the packaged example article.

    python docs/img/make_screenshots.py            # writes docs/img/review-*.png

Needs the serve and browser extras, the spaCy model, and Debian's chromium
(/usr/bin/chromium; never `playwright install`).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from saidwhat.store import Store, ingest, run

HERE = Path(__file__).resolve().parent
EXAMPLE = HERE.parents[1] / "src" / "saidwhat" / "examples" / "council_housing.txt"
CODEBOOK = """name: Hollinbridge office conversions
concepts:
  - id: convert-offices
    label: Empty offices should become family homes
    keywords: [homes, empty, offices, conversion, families]
  - id: review-costs
    label: The costs should be checked before building starts
    keywords: [cost, budget, auditor, review, estimate, contract]
"""
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def main() -> None:
    tmp = Path(tempfile.mkdtemp(prefix="saidwhat-shots-"))
    db, codebook = tmp / "review.db", tmp / "codebook.yaml"
    codebook.write_text(CODEBOOK, encoding="utf-8")
    with Store(db) as store:
        ingest(store, [EXAMPLE])
        run(store, workers=1)
        view = store.reviewed_document("council_housing")
        quotes = view.quotes
        codes = ["convert-offices", "review-costs", "review-costs", "review-costs"]
        for q, concept in zip(quotes, codes, strict=False):
            agreement = "support"
            store.add_correction("council_housing", "code", coder="ann", quote_id=q.id,
                                 value={"concept": concept, "agreement": agreement})
        store.add_correction("council_housing", "accept", coder="ann", quote_id=quotes[0].id)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "saidwhat", "serve", "--db", str(db),
                             "--port", str(port), "--codebook", str(codebook),
                             "--coder", "ann"], env={**os.environ})
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(url + "/", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as p:
            ctx = p.chromium.launch_persistent_context(
                str(tmp / "profile"), executable_path="/usr/bin/chromium", headless=True,
                args=ARGS, viewport={"width": 1440, "height": 900})
            page = ctx.new_page()
            page.goto(f"{url}/doc?id=council_housing")
            page.locator("body").click(position={"x": 5, "y": 5})
            page.keyboard.press("j")
            page.keyboard.press("j")
            page.screenshot(path=str(HERE / "review-document.png"))
            page.goto(f"{url}/network?type=two-mode&coding=all")
            page.wait_for_function("() => window.saidwhatNetwork")
            time.sleep(1)
            page.screenshot(path=str(HERE / "review-network.png"))
            ctx.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    print(f"wrote {HERE / 'review-document.png'} and {HERE / 'review-network.png'}")


if __name__ == "__main__":
    main()
