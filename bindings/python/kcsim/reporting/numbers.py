"""Numbers for people: thousands separators, three significant figures (whole numbers below
100,000 keep every digit), units everywhere, shares as percentages. The page's script formats
with the same rules (``FORMAT_JS``), so a value reads the same in the summary, a table and a
tooltip."""

from __future__ import annotations

import math

# Units as a planner reads them, in both languages. A unit not listed is shown as stored.
UNITS_ZH = {
    "firms": "家企业", "teams": "个团队", "experts": "名专家", "needs": "项需求", "services": "次服务",
    "contracts": "项合同", "million yuan": "百万元", "viewers": "人次", "consortia": "个联合体",
    "deals": "笔", "innovations": "项创新", "workstations": "个工作站", "level": "级", "ratio": "",
    "share": "", "districts": "个区县",
}


def significant(x: float, digits: int = 3) -> float:
    """``x`` rounded to ``digits`` significant figures, but never below whole units when
    |x| < 100,000 (47,581 firms stay 47,581; 2,734,420 becomes 2,730,000)."""
    if not math.isfinite(x) or x == 0:
        return x
    mag = math.floor(math.log10(abs(x)))
    if 2 <= mag < 5:  # halves away from zero, as the program's tables (std::lround) and the page's script
        return math.copysign(math.floor(abs(x) + 0.5), x)
    return round(x, digits - 1 - mag)


def number(x: float, unit: str = "", sign: bool = False, lang: str = "en", digits: int = 3) -> str:
    """``x`` for people: '47,581', '46.4', '0.123', '+1,230', '12.3%' (unit 'share'),
    '–' for a missing value. The unit is not appended: see ``with_unit``."""
    if x is None or not math.isfinite(float(x)):
        return "–"
    x = float(x)
    if unit in ("share", "probability"):
        text = number(100.0 * x, "", sign, lang, digits) + "%"
        return text
    v = significant(x, digits)
    if v == 0:
        return "0"
    mag = math.floor(math.log10(abs(v)))
    decimals = max(0, digits - 1 - mag)
    text = f"{abs(v):,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    out = ("−" if v < 0 else ("+" if sign else "")) + text
    return out


def unit_label(unit: str, lang: str = "en") -> str:
    if lang == "zh":
        return UNITS_ZH.get(unit, unit)
    return "" if unit in ("share", "ratio") else unit


def with_unit(x: float, unit: str, sign: bool = False, lang: str = "en") -> str:
    """``x`` with its unit: '47,581 firms', '46.4 million yuan', '12.3%', '4,120 家企业'."""
    text = number(x, unit, sign, lang)
    label = unit_label(unit, lang)
    if text == "–" or not label or unit in ("share", "probability"):
        return text
    return text + ("" if lang == "zh" else " ") + label


def interval(lo: float, hi: float, unit: str, sign: bool = False, lang: str = "en") -> str:
    """'4,010 to 4,230 firms' / '4,010 至 4,230 家企业'."""
    joint = " 至 " if lang == "zh" else " to "
    return number(lo, unit, sign, lang) + joint + with_unit(hi, unit, sign, lang)


# The same rules in the page's script (tables, tooltips and the legend are drawn there).
FORMAT_JS = r"""
function sig(x){ if(!isFinite(x)||x===0) return x; var m=Math.floor(Math.log10(Math.abs(x)));
  if(m>=2&&m<5) return Math.sign(x)*Math.round(Math.abs(x)); var f=Math.pow(10,2-m); return Math.round(x*f)/f; }
function num(x,unit,sign){ if(x===null||x===undefined||!isFinite(x)) return '\u2013';
  if(unit==='share'||unit==='probability') return num(100*x,'',sign)+'%';
  var v=sig(x); if(v===0) return '0'; var m=Math.floor(Math.log10(Math.abs(v)));
  var d=Math.max(0,2-m); var t=Math.abs(v).toLocaleString('en-US',{minimumFractionDigits:d,maximumFractionDigits:d});
  if(t.indexOf('.')>=0) t=t.replace(/0+$/,'').replace(/\.$/,'');
  return (v<0?'\u2212':(sign?'+':''))+t; }
function unitLabel(unit){ if(LANG==='zh') return (UNITS_ZH[unit]!==undefined?UNITS_ZH[unit]:unit);
  return (unit==='share'||unit==='ratio')?'':unit; }
function withUnit(x,unit,sign){ var t=num(x,unit,sign), l=unitLabel(unit);
  if(t==='\u2013'||!l||unit==='share') return t; return t+(LANG==='zh'?'':' ')+l; }
"""
