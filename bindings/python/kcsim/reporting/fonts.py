"""A CJK font embedded in the page, cut down to the characters the page uses, so that Chinese
district names render on a machine without Chinese fonts (a page opened from e-mail). The
font comes from the system (Debian's fonts-wqy-microhei, installed by scripts/install-deps.sh,
or Noto Sans CJK); without one the page names the fonts a reader's system would use instead."""

from __future__ import annotations

import base64
import io
import os
import subprocess
from pathlib import Path
from typing import Optional

CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
)


def find_cjk_font() -> Optional[Path]:
    """``$KCSIM_REPORT_FONT``, a known Debian path, or what fontconfig picks for Chinese."""
    env = os.environ.get("KCSIM_REPORT_FONT")
    if env:
        return Path(env) if Path(env).is_file() else None
    for c in CANDIDATES:
        if Path(c).is_file():
            return Path(c)
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10)
        p = Path(out.stdout.strip())
        if out.returncode == 0 and p.suffix.lower() in (".ttf", ".otf", ".ttc") and p.is_file():
            return p
    except (OSError, subprocess.SubprocessError):
        pass
    return None


def font_face(text: str, family: str = "KcsimSans") -> tuple[str, str]:
    """(CSS @font-face rule with the subset font inlined as WOFF2 or TrueType, the font's file
    name) for the characters of ``text``; ('', '') when no CJK font or fontTools is available."""
    path = find_cjk_font()
    if path is None:
        return "", ""
    import logging

    logging.getLogger("fontTools").setLevel(logging.ERROR)  # 'FFTM NOT subset' and the like
    try:
        from fontTools import subset
        from fontTools.ttLib import TTFont
    except ImportError:
        return "", ""
    font = TTFont(str(path), fontNumber=0, lazy=True) if path.suffix.lower() == ".ttc" else TTFont(str(path))
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.notdef_outline = True
    chars = {ord(c) for c in text if ord(c) >= 0x20} | set(range(0x20, 0x7F))
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=chars)
    sub.subset(font)
    fmt, mime = "truetype", "font/ttf"
    try:
        import brotli  # noqa: F401  (WOFF2 needs it)

        font.flavor = "woff2"
        fmt, mime = "woff2", "font/woff2"
    except ImportError:
        pass
    buf = io.BytesIO()
    font.save(buf)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f"@font-face{{font-family:'{family}';src:url(data:{mime};base64,{data}) format('{fmt}');"
            "font-weight:normal;font-style:normal;}", path.name)
