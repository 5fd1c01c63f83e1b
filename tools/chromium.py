"""Headless Chromium under selenium, as the end-to-end tests start it (tools/browser_test.py,
tools/test_https.py): Debian's chromium and chromedriver, one profile directory per person."""

import os
import shutil


def chromium_options(profile, *arguments):
    """Options for a headless Chromium using `profile`, Vietnamese first, quiet in the background;
    `arguments` are added to the usual ones."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    for binary in ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"):
        if os.path.exists(binary):
            options.binary_location = binary
            break
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,768",
                     f"--user-data-dir={profile}", "--lang=vi-VN", "--no-first-run",
                     "--disable-background-networking", "--disable-component-update", "--disable-sync", *arguments):
        options.add_argument(argument)
    return options


def start_chromium(options):
    """A webdriver for `options`, through the chromedriver on PATH."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    driver_path = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    return webdriver.Chrome(service=Service(driver_path), options=options)
