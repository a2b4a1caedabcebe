"""The page: one HTML file with its styles, script, data and font inside (no network when
viewed). Sections come from the kind modules (kinds/); this module lays them out, adds the
contents bar and the provenance foot, and embeds the data the map and tables draw from."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from html import escape

from .fonts import font_face
from .numbers import FORMAT_JS, UNITS_ZH
from .words import ui


@dataclass
class Section:
    id: str      # the element id, also the screenshot's name in the browser test
    title: str
    html: str


CSS = r"""
:root{--ink:#1d2329;--muted:#5b6670;--line:#d9dee3;--bg:#fff;--accent:#1f77b4}
*{box-sizing:border-box}
body{margin:0;font-family:'KcsimSans','Noto Sans CJK SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif;
 color:var(--ink);background:var(--bg);font-size:14px;line-height:1.45}
header.top{padding:14px 24px 8px;border-bottom:3px solid var(--accent)}
header.top h1{margin:0;font-size:22px} header.top p{margin:2px 0;color:var(--muted)}
nav{position:sticky;top:0;background:#f6f8fa;border-bottom:1px solid var(--line);padding:6px 24px;z-index:5;font-size:13px}
nav a{margin-right:14px;color:var(--accent);text-decoration:none}
main{max-width:1180px;margin:0 auto;padding:0 24px}
section{padding:14px 0 18px;border-bottom:1px solid var(--line)}
section h2{font-size:18px;margin:4px 0 10px}
.note{color:var(--muted);font-size:12.5px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(260px,1fr));gap:10px}
.card{border:1px solid var(--line);border-radius:6px;padding:9px 11px;background:#fbfcfd}
.card .k{font-size:12.5px;color:var(--muted)} .card .v{font-size:20px;font-weight:bold}
.card .i{font-size:12px;color:var(--muted)} .card .w{font-size:12.5px;margin-top:3px}
.up{color:#1a7f37} .down{color:#b42318}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(360px,1fr));gap:12px}
.wide{max-width:680px}
svg.chart{width:100%;height:auto;background:#fff}
svg .ct{font-size:12.5px;font-weight:bold;fill:var(--ink)} svg .tick,svg .leg,svg .rl{font-size:10.5px;fill:#444}
svg .grid{stroke:#e7eaee} svg .axis{stroke:#888} svg .zero{stroke:#333;stroke-dasharray:3 2}
svg .whisker{stroke-width:2}
table{border-collapse:collapse;font-size:12.5px;margin:6px 0 12px}
td small{display:block;color:var(--muted);font-size:11px}
th,td{border-bottom:1px solid var(--line);padding:3px 8px;text-align:right;white-space:nowrap}
th{background:#f6f8fa;cursor:pointer;user-select:none} th.txt,td.txt{text-align:left}
th[data-dir=asc]::after{content:' ▲'} th[data-dir=desc]::after{content:' ▼'}
.tablewrap{overflow-x:auto}
.controls{display:flex;gap:14px;flex-wrap:wrap;align-items:center;margin-bottom:8px}
.controls select{font:inherit;padding:2px 4px}
.mapbox{display:flex;gap:16px;flex-wrap:wrap;align-items:flex-start}
#districtmap{width:min(760px,100%);height:auto;border:1px solid var(--line);background:#f4f7fa}
#districtmap path.district{stroke:#fff;stroke-width:0.7;cursor:pointer} #districtmap path.district:hover{stroke:#000;stroke-width:1.6}
#districtmap .zone-marker{stroke:#000;stroke-width:1.2;cursor:pointer} #districtmap .zl{font-size:11px;fill:#111}
#districtmap .lead{stroke:#333;stroke-width:0.8}
#legend{min-width:220px}
#tip{position:fixed;pointer-events:none;background:rgba(255,255,255,.97);border:1px solid #999;border-radius:4px;
 padding:5px 8px;font-size:12.5px;display:none;z-index:10;box-shadow:0 2px 6px rgba(0,0,0,.15)}
footer{max-width:1180px;margin:0 auto;padding:12px 24px 40px;font-size:12px;color:var(--muted)}
dl.prov{display:grid;grid-template-columns:max-content 1fr;gap:3px 16px;font-size:12.5px}
dl.prov dt{font-weight:bold} dl.prov dd{margin:0;white-space:pre-wrap;word-break:break-all}
@media print{nav{display:none} section{break-inside:avoid}}
"""

# The map and the tables are drawn from DATA (see explorer.py for its shape).
SCRIPT = r"""
var DATA=JSON.parse(document.getElementById('kcsim-data').textContent);
var LANG=DATA.lang, UNITS_ZH=DATA.units_zh, T=DATA.ui;
FORMAT_JS_HERE
function metricOf(id){for(var i=0;i<DATA.metrics.length;i++) if(DATA.metrics[i].id===id) return DATA.metrics[i];}
function el(tag,attrs,text){var e=document.createElement(tag);for(var k in attrs) e.setAttribute(k,attrs[k]);if(text!==undefined) e.textContent=text;return e;}
function views(){var v=[];DATA.scenarios.forEach(function(s){v.push({kind:'value',s:s,label:T.value+': '+s});});
  DATA.scenarios.forEach(function(s){if(s!==DATA.baseline) v.push({kind:'diff',s:s,label:s+' \u2212 '+DATA.baseline});});return v;}
function current(){var m=document.getElementById('sel-metric').value, v=views()[+document.getElementById('sel-view').value];
  var src=v.kind==='value'?DATA.dist[m][v.s]:DATA.diff[m][v.s];var sub=v.kind==='value'?DATA.sub[m][v.s]:DATA.subdiff[m][v.s];
  return {m:metricOf(m),v:v,rows:src,sub:sub};}
function ramp(t,div){ // t in [0,1]; sequential: pale yellow to deep blue; diverging: red - white - green
  function mix(a,b,u){return a.map(function(x,i){return Math.round(x+(b[i]-x)*u);});}
  var c; if(div){c=t<0.5?mix([178,24,43],[247,247,247],t*2):mix([247,247,247],[27,120,55],(t-0.5)*2);}
  else{c=t<0.5?mix([255,247,188],[65,182,196],t*2):mix([65,182,196],[8,48,107],(t-0.5)*2);}
  return 'rgb('+c.join(',')+')';}
function scaleOf(rows,div){var vals=rows.map(function(r){return r[0];}).filter(isFinite);
  var lo=Math.min.apply(null,vals), hi=Math.max.apply(null,vals);
  if(div){var a=Math.max(Math.abs(lo),Math.abs(hi))||1;lo=-a;hi=a;} if(hi===lo){hi=lo+1;}
  return {lo:lo,hi:hi,f:function(x){return isFinite(x)?ramp((x-lo)/(hi-lo),div):'#ccc';}};}
function describe(c,i){var r=c.rows[i], u=c.m.unit, sign=c.v.kind==='diff';
  var s=withUnit(r[0],u,sign)+' ('+(sign?T.ci95:T.interval90)+' '+num(r[1],u,sign)+' \u2026 '+num(r[2],u,sign)+')';
  if(sign) s+='; '+T.p_higher+' '+num(r[3],'share');return s;}
function drawMap(){var c=current(), div=c.v.kind==='diff', sc=scaleOf(c.rows,div);
  var idx={};DATA.districts.forEach(function(d,i){idx[d.id]=i;});
  document.querySelectorAll('#districtmap .district, #districtmap .zone-marker').forEach(function(p){p.setAttribute('fill',sc.f(c.rows[idx[p.dataset.id]][0]));});
  var lg=document.getElementById('legend');lg.innerHTML='';
  lg.appendChild(el('div',{'class':'note'},c.m.label+(c.v.kind==='diff'?' \u2014 '+c.v.label:' \u2014 '+c.v.s)));
  var bar=el('div',{style:'height:12px;margin:4px 0;background:linear-gradient(to right,'+[0,.25,.5,.75,1].map(function(t){return ramp(t,div);}).join(',')+')'});
  lg.appendChild(bar);var lab=el('div',{style:'display:flex;justify-content:space-between;font-size:12px'});
  lab.appendChild(el('span',{},withUnit(sc.lo,c.m.unit,div)));lab.appendChild(el('span',{},withUnit(sc.hi,c.m.unit,div)));lg.appendChild(lab);
  drawTables(c);}
function cell(tr,text,cls,sortv){var td=el('td',cls?{'class':cls}:{},text);if(sortv!==undefined) td.dataset.sort=sortv;tr.appendChild(td);}
function table(id,head,rows){var t=document.getElementById(id);t.innerHTML='';var thead=el('thead'),tr=el('tr');
  head.forEach(function(h,i){var th=el('th',h[1]?{'class':'txt'}:{},h[0]);th.addEventListener('click',function(){sortBy(t,i,th);});tr.appendChild(th);});
  thead.appendChild(tr);t.appendChild(thead);var tb=el('tbody');rows.forEach(function(r){tb.appendChild(r);});t.appendChild(tb);}
function sortBy(t,i,th){var dir=th.dataset.dir==='desc'?'asc':'desc';t.querySelectorAll('th').forEach(function(h){delete h.dataset.dir;});th.dataset.dir=dir;
  var rows=Array.prototype.slice.call(t.tBodies[0].rows);rows.sort(function(a,b){var x=a.cells[i].dataset.sort,y=b.cells[i].dataset.sort;
    var nx=parseFloat(x),ny=parseFloat(y);var r=(isFinite(nx)&&isFinite(ny))?nx-ny:String(x).localeCompare(String(y));return dir==='asc'?r:-r;});
  rows.forEach(function(r){t.tBodies[0].appendChild(r);});}
function drawTables(c){var m=c.m.id,u=c.m.unit;var head=[['District',1],['区县',1],[T.subregion,1]];  // names in both languages
  DATA.scenarios.forEach(function(s){head.push([s+' ('+T.mean+', '+T.interval90+')']);});
  var others=DATA.scenarios.filter(function(s){return s!==DATA.baseline;});
  others.forEach(function(s){head.push([s+' \u2212 '+DATA.baseline+' ('+T.ci95+')']);head.push([T.p_higher]);});
  function pair(tr,r,sign){var td=el('td',{},num(r[0],u,sign));td.dataset.sort=r[0];td.appendChild(el('small',{},num(r[1],u,sign)+' \u2026 '+num(r[2],u,sign)));tr.appendChild(td);}
  function fill(tr,src,dsrc,i){DATA.scenarios.forEach(function(s){pair(tr,src[m][s][i],false);});
    others.forEach(function(s){var r=dsrc[m][s][i];pair(tr,r,true);cell(tr,num(r[3],'share'),'',r[3]);});}
  var rows=DATA.districts.map(function(d,i){var tr=el('tr');cell(tr,d.name,'txt',d.name);cell(tr,d.name_zh,'txt',d.name_zh);
    cell(tr,DATA.area_labels[d.subregion]||d.subregion,'txt',d.subregion);fill(tr,DATA.dist,DATA.diff,i);return tr;});
  table('tbl-districts',head,rows);
  var shead=[['Sub-region',1],['片区',1]].concat(head.slice(3));
  var srows=DATA.areas.map(function(a,i){var tr=el('tr');cell(tr,DATA.area_labels_en[a],'txt',a);cell(tr,DATA.area_labels_zh[a],'txt',a);
    fill(tr,DATA.sub,DATA.subdiff,i);return tr;});
  table('tbl-subregions',shead,srows);
  document.querySelectorAll('.unit-note').forEach(function(n){n.textContent=c.m.label+(unitLabel(u)?' ['+unitLabel(u)+']':'')+'. '+T.sort;});}
function initMap(){if(!document.getElementById('districtmap')) return;
  var sm=document.getElementById('sel-metric'), sv=document.getElementById('sel-view');
  DATA.metrics.forEach(function(m){sm.appendChild(el('option',{value:m.id},m.label));});sm.value=DATA.default_metric;
  views().forEach(function(v,i){sv.appendChild(el('option',{value:i},v.label));});
  sv.value=String(views().length-1);  // a comparison opens on its last contrast
  sm.addEventListener('change',drawMap);sv.addEventListener('change',drawMap);
  var tip=document.getElementById('tip'), idx={};DATA.districts.forEach(function(d,i){idx[d.id]=i;});
  document.querySelectorAll('#districtmap .district, #districtmap .zone-marker').forEach(function(p){
    p.addEventListener('mousemove',function(e){var c=current(),i=idx[p.dataset.id],d=DATA.districts[i];
      tip.innerHTML='';tip.appendChild(el('b',{},d.name+' \u00b7 '+d.name_zh));tip.appendChild(el('div',{},c.m.label+': '+describe(c,i)));
      tip.style.display='block';tip.style.left=(e.clientX+14)+'px';tip.style.top=(e.clientY+10)+'px';});
    p.addEventListener('mouseleave',function(){tip.style.display='none';});});
  drawMap();}
document.querySelectorAll('table.sortable').forEach(function(t){t.querySelectorAll('th').forEach(function(th,i){th.addEventListener('click',function(){sortBy(t,i,th);});});});
initMap();
document.body.dataset.rendered='1';
""".replace("FORMAT_JS_HERE", FORMAT_JS)


def _json_number(x):
    if x is None or (isinstance(x, float) and not math.isfinite(x)):
        return None
    return float(f"{x:.6g}")


def page(title: str, subtitle: str, sections: list[Section], data: dict, lang: str) -> str:
    """The whole page. ``data``: what the script needs (explorer.py fills it; {} without a map)."""
    words = ui(lang)
    data = dict(data, lang=lang, ui=words, units_zh=UNITS_ZH)
    data_json = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).replace("</", "<\\/")
    nav = "".join(f'<a href="#{s.id}">{escape(s.title)}</a>' for s in sections)
    body = "".join(f'<section id="{s.id}"><h2>{escape(s.title)}</h2>{s.html}</section>' for s in sections)
    text = title + subtitle + body + data_json + nav
    face, font_name = font_face(text)
    return (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="generator" content="kcsim report"><meta name="font" content="{escape(font_name)}">'
            f'<title>{escape(title)}</title><style>{face}{CSS}</style></head><body>'
            f'<header class="top"><h1>{escape(title)}</h1><p>{escape(subtitle)}</p></header>'
            f'<nav aria-label="{escape(words["contents"])}">{nav}</nav><main>{body}</main>'
            f'<div id="tip"></div><script type="application/json" id="kcsim-data">{data_json}</script>'
            f'<script>{SCRIPT}</script></body></html>')


def clean(x):
    """Nested lists/dicts of numbers made JSON-safe (NaN and infinities become null), 6 figures."""
    if isinstance(x, dict):
        return {k: clean(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [clean(v) for v in x]
    if hasattr(x, "tolist"):
        return clean(x.tolist())
    if isinstance(x, float):
        return _json_number(x)
    return x
