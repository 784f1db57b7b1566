"""Counting what a user does in a browser test: each click, field filled, option chosen or key
pressed is one action (the measure of issue 15's "few clicks" targets)."""


class Actions:
    def __init__(self, page):
        self.page = page
        self.count = 0

    def click(self, locator):
        locator.click()
        self.count += 1

    def fill(self, locator, text):
        locator.fill(text)
        self.count += 1

    def select(self, locator, value):
        locator.select_option(value)
        self.count += 1

    def press(self, key):
        self.page.keyboard.press(key)
        self.count += 1


def tab_to(page, locator, *, limit=120):
    """Press Tab until `locator` has the keyboard focus (a keyboard-only journey); how many
    presses it took. Fails if it is never reached."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return presses
    raise AssertionError(f"{locator} was not reached with {limit} presses of Tab")
