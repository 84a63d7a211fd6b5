"""The tile map of Japan: one square per prefecture, placed roughly where it lies.

Laid out as the usual Japanese tile maps are: Hokkaido alone at the top right, Tohoku in a
column beneath it, the Sea of Japan coast on one row and the Pacific coast on the next,
Shikoku a 2×2 block under Chugoku, Kyushu at the left and Okinawa alone at the bottom left.
Keys are the first two digits of the local-government code (the prefecture number).
Colours are a sequential blue scale whose every step keeps AA contrast with its label.
"""

from __future__ import annotations

from dataclasses import dataclass

TILE = 44  # px: room for a three-character name and a percentage
GAP = 3
COLUMNS = 14
ROWS = 10


@dataclass(frozen=True)
class Tile:
    column: int
    row: int
    english: str
    abbreviation: str  # the English label inside the square

    @property
    def x(self) -> int:
        return self.column * (TILE + GAP)

    @property
    def y(self) -> int:
        return self.row * (TILE + GAP)


TILES: dict[str, Tile] = {
    "01": Tile(13, 0, "Hokkaido", "HKD"),
    "02": Tile(13, 1, "Aomori", "AOM"),
    "03": Tile(13, 2, "Iwate", "IWT"),
    "04": Tile(13, 3, "Miyagi", "MYG"),
    "05": Tile(12, 2, "Akita", "AKT"),
    "06": Tile(12, 3, "Yamagata", "YGT"),
    "07": Tile(13, 4, "Fukushima", "FKS"),
    "08": Tile(12, 5, "Ibaraki", "IBR"),
    "09": Tile(12, 4, "Tochigi", "TCG"),
    "10": Tile(11, 4, "Gunma", "GNM"),
    "11": Tile(11, 5, "Saitama", "STM"),
    "12": Tile(12, 6, "Chiba", "CHB"),
    "13": Tile(11, 6, "Tokyo", "TKY"),
    "14": Tile(11, 7, "Kanagawa", "KNG"),
    "15": Tile(11, 3, "Niigata", "NGT"),
    "16": Tile(10, 3, "Toyama", "TYM"),
    "17": Tile(9, 3, "Ishikawa", "ISK"),
    "18": Tile(8, 3, "Fukui", "FKI"),
    "19": Tile(10, 5, "Yamanashi", "YMN"),
    "20": Tile(10, 4, "Nagano", "NGN"),
    "21": Tile(9, 4, "Gifu", "GIF"),
    "22": Tile(10, 6, "Shizuoka", "SZO"),
    "23": Tile(9, 5, "Aichi", "AIC"),
    "24": Tile(8, 5, "Mie", "MIE"),
    "25": Tile(8, 4, "Shiga", "SIG"),
    "26": Tile(7, 4, "Kyoto", "KYT"),
    "27": Tile(6, 5, "Osaka", "OSK"),
    "28": Tile(6, 4, "Hyogo", "HYG"),
    "29": Tile(7, 5, "Nara", "NAR"),
    "30": Tile(6, 6, "Wakayama", "WKY"),
    "31": Tile(5, 4, "Tottori", "TTR"),
    "32": Tile(4, 4, "Shimane", "SMN"),
    "33": Tile(5, 5, "Okayama", "OKY"),
    "34": Tile(4, 5, "Hiroshima", "HRS"),
    "35": Tile(3, 5, "Yamaguchi", "YGC"),
    "36": Tile(5, 8, "Tokushima", "TKS"),
    "37": Tile(5, 7, "Kagawa", "KGW"),
    "38": Tile(4, 7, "Ehime", "EHM"),
    "39": Tile(4, 8, "Kochi", "KOC"),
    "40": Tile(2, 6, "Fukuoka", "FKO"),
    "41": Tile(1, 6, "Saga", "SAG"),
    "42": Tile(0, 6, "Nagasaki", "NGS"),
    "43": Tile(1, 7, "Kumamoto", "KMM"),
    "44": Tile(2, 7, "Oita", "OIT"),
    "45": Tile(2, 8, "Miyazaki", "MYZ"),
    "46": Tile(1, 8, "Kagoshima", "KGS"),
    "47": Tile(0, 9, "Okinawa", "OKN"),
}

WIDTH = COLUMNS * (TILE + GAP) - GAP
HEIGHT = ROWS * (TILE + GAP) - GAP


@dataclass(frozen=True)
class ShareStep:
    """One colour of the scale: shares from `lower` (inclusive) up to the next step."""

    lower: float
    fill: str
    text: str


# No municipality committed is its own step (grey), so 0% never looks like "a few".
SHARE_STEPS = (
    ShareStep(0.0, "#f2f2f2", "#1a1a1a"),
    ShareStep(1e-9, "#d6e4fd", "#1a1a1a"),
    ShareStep(0.2, "#9db7f9", "#1a1a1a"),
    ShareStep(0.4, "#7096f8", "#1a1a1a"),
    ShareStep(0.6, "#0031d8", "#ffffff"),
    ShareStep(0.8, "#00118f", "#ffffff"),
)


def share_step(share: float) -> int:
    """The index of the colour step a share falls in (0 for none, 5 for 80% and over)."""
    index = 0
    for i, step in enumerate(SHARE_STEPS):
        if share >= step.lower:
            index = i
    return index


def short_name(prefecture_name: str) -> str:
    """北海道 stays whole; 東京都, 大阪府, 京都府 and every 県 lose their suffix."""
    if prefecture_name == "北海道":
        return prefecture_name
    return prefecture_name[:-1] if prefecture_name[-1:] in "都府県" else prefecture_name


def prefecture_label(code: str, name: str, language: str) -> str:
    """A prefecture as a page names it: 広島県 in Japanese, "Hiroshima (広島県)" in English."""
    tile = TILES.get(code[:2])
    if language.startswith("ja") or tile is None:
        return name
    return f"{tile.english} ({name})"
