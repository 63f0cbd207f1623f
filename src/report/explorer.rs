//! The passage explorer of `index.html`: the data it embeds and the script
//! that searches, filters and sorts it in the page (no fetch, no server:
//! the page works from `file://`).
//!
//! A large corpus does not fit in one page, so the page embeds a slice:
//! every passage when there are at most [`ALL_UP_TO`], otherwise the
//! strongest passages toward each target in each theme, each theme's
//! representatives and its first passages, and an evenly spread sample, up
//! to about [`BUDGET`] passages. The page says how many it holds and how
//! many it leaves out; the data files hold them all.

use std::collections::{BTreeMap, BTreeSet};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde_json::{json, Value};

use super::stats::{self, Stats};
use super::View;
use crate::stance::StanceLabel;
use crate::Lang;

/// Corpora up to this many passages are embedded whole.
pub const ALL_UP_TO: usize = 8_000;
/// About this many passages are embedded from a larger corpus.
pub const BUDGET: usize = 6_000;
/// Strongest passages per theme and target kept in the slice.
const TOP_PER_THEME_TARGET: usize = 60;
/// First passages per theme kept (so small themes are always there).
const PER_THEME: usize = 40;
/// Embedded passage texts are cut at this many characters.
const MAX_CHARS: usize = 1_200;

/// The default targets' aliases, to mark a target's mention in a passage.
/// Targets a config adds are scored but their mentions are not marked.
const DEFAULT_TARGETS: &str = include_str!("../../data/stance/targets.toml");

/// Per target: an alias matcher (ASCII case folded, longest match).
fn mention_matchers() -> BTreeMap<String, AhoCorasick> {
    let Ok(v) = DEFAULT_TARGETS.parse::<toml::Table>() else {
        return BTreeMap::new();
    };
    let mut out = BTreeMap::new();
    for t in v
        .get("target")
        .and_then(|t| t.as_array())
        .into_iter()
        .flatten()
    {
        let Some(id) = t.get("id").and_then(|x| x.as_str()) else {
            continue;
        };
        let aliases: Vec<&str> = ["aliases_en", "aliases_zh"]
            .iter()
            .filter_map(|k| t.get(*k).and_then(|a| a.as_array()))
            .flatten()
            .filter_map(|a| a.as_str())
            .filter(|a| !a.trim().is_empty())
            .collect();
        if let Ok(ac) = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(&aliases)
        {
            out.insert(id.to_string(), ac);
        }
    }
    out
}

/// Character spans of `ac`'s matches in `text`, ASCII matches only on word
/// boundaries.
fn mentions(ac: &AhoCorasick, text: &str) -> Vec<[usize; 2]> {
    let b = text.as_bytes();
    let word = |c: u8| c.is_ascii_alphanumeric();
    let mut out = Vec::new();
    for m in ac.find_iter(text) {
        let (s, e) = (m.start(), m.end());
        let ascii_head = b[s].is_ascii();
        let ascii_tail = b[e - 1].is_ascii();
        if (ascii_head && s > 0 && word(b[s - 1]) && word(b[s]))
            || (ascii_tail && e < b.len() && word(b[e]) && word(b[e - 1]))
        {
            continue;
        }
        let cs = text[..s].chars().count();
        let ce = cs + text[s..e].chars().count();
        out.push([cs, ce]);
    }
    out
}

/// Which passages the page embeds (corpus indices, in corpus order).
pub fn choose(view: &View, stats: &Stats) -> Vec<usize> {
    let n = view.passages.len();
    if n <= ALL_UP_TO {
        return (0..n).collect();
    }
    let mut keep: BTreeSet<usize> = BTreeSet::new();
    let mut by_theme: BTreeMap<Option<u32>, Vec<usize>> = BTreeMap::new();
    for i in 0..n {
        by_theme.entry(view.theme_of(i)).or_default().push(i);
    }
    // Strongest per theme and target, repeated texts once.
    if let Some(s) = view.input.stance {
        for t in &stats.targets {
            for members in by_theme.values() {
                let mut v: Vec<(usize, f64)> = members
                    .iter()
                    .filter_map(|&i| {
                        let ts = s.passages.get(i)?.get(t)?.as_ref()?;
                        (ts.score.is_finite() && ts.score != 0.0).then_some((i, ts.score.abs()))
                    })
                    .collect();
                v.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                let mut seen = BTreeSet::new();
                keep.extend(
                    v.into_iter()
                        .filter(|(i, _)| seen.insert(stats::dedup_key(&view.passages[*i].text)))
                        .take(TOP_PER_THEME_TARGET)
                        .map(|(i, _)| i),
                );
            }
        }
    }
    // Representatives and the first passages of each theme.
    for th in view.themes_by_size() {
        keep.extend(view.representatives(th, 20));
    }
    for members in by_theme.values() {
        keep.extend(members.iter().take(PER_THEME));
    }
    // An even sample of the rest, to the budget.
    if keep.len() < BUDGET {
        let room = BUDGET - keep.len();
        let step = (n as f64 / room as f64).max(1.0);
        let mut x = step / 2.0;
        while (x as usize) < n && keep.len() < BUDGET {
            keep.insert(x as usize);
            x += step;
        }
    }
    keep.into_iter().collect()
}

fn label_code(l: StanceLabel) -> u8 {
    match l {
        StanceLabel::Favor => 1,
        StanceLabel::Neutral => 0,
        StanceLabel::Against => 2,
    }
}

fn round3(x: f64) -> f64 {
    if x.is_finite() {
        (x * 1000.0).round() / 1000.0
    } else {
        0.0
    }
}

/// The embedded data, as JSON safe inside `<script>` (every `<` escaped).
///
/// Shape (documented in docs/report.md): lookup lists (`targets`,
/// `themes`, `docs`, `sources`, `langs`) and `rows`, one array a passage:
/// `[doc, line_start, line_end, lang, theme (-1 none), boilerplate (0/1),
/// text, stance]`, where `stance` is a list of `[target, score, label
/// (0 neutral, 1 favor, 2 against), evidence [[start, end, weight, term]],
/// mentions [[start, end]]]` for the targets the passage concerns.
pub fn data_json(view: &View, stats: &Stats, chosen: &[usize]) -> String {
    let themes: Vec<Value> = view
        .themes_by_size()
        .iter()
        .enumerate()
        .map(|(pos, t)| {
            json!([
                t.id,
                t.label,
                super::palette::hex(super::palette::theme(pos)),
                t.size
            ])
        })
        .collect();
    let names = view.input.stance.map(|s| &s.summary.targets);
    let targets: Vec<Value> = stats
        .targets
        .iter()
        .map(|t| {
            json!([
                t,
                names.and_then(|n| n.get(t)).cloned().unwrap_or(t.clone())
            ])
        })
        .collect();
    let target_index: BTreeMap<&str, usize> = stats
        .targets
        .iter()
        .enumerate()
        .map(|(i, t)| (t.as_str(), i))
        .collect();
    let docs: Vec<&str> = view
        .input
        .corpus
        .documents
        .iter()
        .map(|d| d.id.as_str())
        .collect();
    let doc_index: BTreeMap<&str, usize> = docs.iter().enumerate().map(|(i, d)| (*d, i)).collect();
    let doc_source: Vec<usize> = view
        .input
        .corpus
        .documents
        .iter()
        .map(|d| {
            let name = d
                .meta
                .source
                .as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .unwrap_or(stats::NO_SOURCE);
            stats.sources.iter().position(|s| s == name).unwrap_or(0)
        })
        .collect();
    let matchers = mention_matchers();
    let lang_code = |l: Lang| Lang::ALL.iter().position(|x| *x == l).unwrap_or(0);
    let rows: Vec<Value> = chosen
        .iter()
        .map(|&i| {
            let p = view.passages[i];
            let text: String = if p.text.chars().count() > MAX_CHARS {
                super::clip(&p.text, MAX_CHARS)
            } else {
                p.text.clone()
            };
            let nchars = text.chars().count();
            let stance: Vec<Value> = view
                .input
                .stance
                .and_then(|s| s.passages.get(i))
                .map(|ps| {
                    ps.iter()
                        .filter_map(|(t, ts)| {
                            let ts = ts.as_ref()?;
                            let ev: Vec<Value> = ts
                                .evidence
                                .iter()
                                .filter(|e| e.start < e.end && e.end <= nchars)
                                .map(|e| json!([e.start, e.end, round3(e.weight), e.term]))
                                .collect();
                            let m: Vec<[usize; 2]> = matchers
                                .get(t)
                                .map(|ac| mentions(ac, &text))
                                .unwrap_or_default();
                            Some(json!([
                                target_index.get(t.as_str()).copied().unwrap_or(0),
                                round3(ts.score),
                                label_code(ts.label),
                                ev,
                                m
                            ]))
                        })
                        .collect()
                })
                .unwrap_or_default();
            json!([
                doc_index.get(p.doc.as_str()).copied().unwrap_or(0),
                p.line_start,
                p.line_end,
                lang_code(p.lang),
                view.theme_of(i).map_or(-1, i64::from),
                u8::from(p.boilerplate),
                text,
                stance
            ])
        })
        .collect();
    let v = json!({
        "total": view.passages.len(),
        "shown": chosen.len(),
        "langs": Lang::ALL.iter().map(|l| l.to_string()).collect::<Vec<_>>(),
        "targets": targets,
        "themes": themes,
        "docs": docs,
        "doc_source": doc_source,
        "sources": stats.sources,
        "rows": rows,
    });
    v.to_string()
        .replace('<', "\\u003c")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// The explorer's markup, styles and script (the data goes in a
/// `<script type="application/json" id="sm-data">` before it).
pub const MARKUP: &str = r#"<div id="explorer">
<div class="ctl">
<input id="f-q" type="search" placeholder="search either language · 搜索" size="28">
<select id="f-theme"><option value="">all themes</option></select>
<select id="f-target"><option value="">any target</option></select>
<select id="f-label"><option value="">any label</option><option value="1">favor</option><option value="0">neutral</option><option value="2">against</option></select>
<select id="f-lang"><option value="">any language</option></select>
<select id="f-source"><option value="">all sources</option></select>
<select id="f-doc"><option value="">all documents</option></select>
<select id="f-sort"><option value="corpus">corpus order</option><option value="abs">strongest first</option><option value="desc">most favourable first</option><option value="asc">most against first</option></select>
<label><input id="f-boiler" type="checkbox"> include boilerplate</label>
<button id="f-reset" type="button">reset</button>
</div>
<p id="x-count" class="sub"></p>
<ol id="x-list"></ol>
<button id="x-more" type="button" hidden>show more</button>
</div>"#;

pub const CSS: &str = "#explorer .ctl{display:flex;flex-wrap:wrap;gap:6px;align-items:center;position:sticky;top:0;background:#fff;padding:6px 0;z-index:1}
#explorer select,#explorer input[type=search]{font:inherit;font-size:13px;max-width:220px}
#x-list{padding-left:28px}#x-list li{margin-bottom:10px;font-size:14px}
mark.mention{background:#fff0b3;color:#5a4500;border-bottom:2px solid #d9a400}
.st{font-size:12px;margin-right:8px;white-space:nowrap}
td.cell{cursor:pointer;text-align:right;white-space:nowrap}td.cell:hover{outline:2px solid #333}
.bar{display:inline-block;height:9px;vertical-align:middle}
";

pub const SCRIPT: &str = r#"(function(){
'use strict';
var D=JSON.parse(document.getElementById('sm-data').textContent);
var LAB=['neutral','favor','against'];
var $=function(id){return document.getElementById(id);};
var themeName={};D.themes.forEach(function(t){themeName[t[0]]=t[1];});
function opt(sel,v,txt){var o=document.createElement('option');o.value=v;o.textContent=txt;sel.appendChild(o);}
D.themes.forEach(function(t){opt($('f-theme'),String(t[0]),'#'+t[0]+' '+t[1]+' ('+t[3]+')');});
opt($('f-theme'),'-1','other (boilerplate, content-free)');
D.targets.forEach(function(t,i){opt($('f-target'),String(i),t[1]);});
D.langs.forEach(function(l,i){opt($('f-lang'),String(i),l);});
D.sources.forEach(function(s,i){opt($('f-source'),String(i),s);});
D.docs.forEach(function(d,i){opt($('f-doc'),String(i),d);});
var low=D.rows.map(function(r){return r[6].toLowerCase();});
var F=['q','theme','target','label','lang','source','doc','sort'];
function state(){var s={};F.forEach(function(k){s[k]=$('f-'+k).value;});s.boiler=$('f-boiler').checked;return s;}
function esc(s){return s.replace(/[&<>"]/g,function(c){return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c];});}
function marked(text,st){
  var cs=Array.from(text),n=cs.length,cls=new Array(n),tip=new Array(n);
  st.forEach(function(s){
    s[4].forEach(function(m){for(var k=m[0];k<m[1]&&k<n;k++){if(!cls[k]){cls[k]='mention';tip[k]='mention of '+D.targets[s[0]][1];}}});
    s[3].forEach(function(e){var c=e[2]>0?'favor':e[2]<0?'against':'neutral';for(var k=e[0];k<e[1]&&k<n;k++){cls[k]=c;tip[k]=e[3]+' '+(e[2]>0?'+':'')+e[2]+' → '+D.targets[s[0]][1];}});
  });
  var out='',cur=null,buf='';
  function flush(){if(!buf)return;out+=cur?'<mark class="'+cur.c+'" title="'+esc(cur.t)+'">'+esc(buf)+'</mark>':esc(buf);buf='';}
  for(var k=0;k<n;k++){var c=cls[k]?{c:cls[k],t:tip[k]}:null;if((c&&cur&&c.c===cur.c&&c.t===cur.t)||(!c&&!cur)){buf+=cs[k];}else{flush();cur=c;buf=cs[k];}}
  flush();return out;
}
var result=[],limit=100;
function score(r,t){var best=null;r[7].forEach(function(s){if(t===''||String(s[0])===t){if(best===null||Math.abs(s[1])>Math.abs(best))best=s[1];}});return best;}
function apply(){
  var s=state(),q=s.q.trim().toLowerCase();
  result=[];
  for(var i=0;i<D.rows.length;i++){
    var r=D.rows[i];
    if(!s.boiler&&r[5]&&s.theme!=='-1')continue;
    if(s.theme!==''&&String(r[4])!==s.theme)continue;
    if(s.lang!==''&&String(r[3])!==s.lang)continue;
    if(s.doc!==''&&String(r[0])!==s.doc)continue;
    if(s.source!==''&&String(D.doc_source[r[0]])!==s.source)continue;
    if(s.target!==''||s.label!==''){
      var ok=r[7].some(function(x){return (s.target===''||String(x[0])===s.target)&&(s.label===''||String(x[2])===s.label);});
      if(!ok)continue;
    }
    if(q&&low[i].indexOf(q)<0)continue;
    result.push(i);
  }
  if(s.sort!=='corpus'){
    var key=function(i){var v=score(D.rows[i],s.target);return v===null?null:v;};
    result.sort(function(a,b){var x=key(a),y=key(b);
      if(x===null&&y===null)return a-b;if(x===null)return 1;if(y===null)return -1;
      var d=s.sort==='abs'?Math.abs(y)-Math.abs(x):s.sort==='desc'?y-x:x-y;return d||a-b;});
  }
  limit=100;render();
  var h=[];F.forEach(function(k){if(s[k]&&!(k==='sort'&&s[k]==='corpus'))h.push(k+'='+encodeURIComponent(s[k]));});
  if(s.boiler)h.push('boiler=1');
  try{history.replaceState(null,'','#'+h.join('&'));}catch(e){}
}
function render(){
  var list=$('x-list'),html='';
  var shown=Math.min(limit,result.length);
  for(var j=0;j<shown;j++){
    var r=D.rows[result[j]],st=r[7];
    var sc=st.map(function(x){return '<span class="st '+LAB[x[2]]+'">'+esc(D.targets[x[0]][1])+' '+(x[1]>0?'+':'')+x[1].toFixed(2)+' '+LAB[x[2]]+'</span>';}).join('');
    var th=r[4]>=0?'#'+r[4]+' '+esc(themeName[r[4]]||''):'other';
    html+='<li class="passage" data-row="'+result[j]+'">'+sc+'<span class="where">'+esc(D.docs[r[0]])+':'+r[1]+(r[2]!==r[1]?'-'+r[2]:'')+' · '+esc(D.sources[D.doc_source[r[0]]])+' · '+D.langs[r[3]]+' · '+th+(r[5]?' · boilerplate':'')+'</span><br>'+marked(r[6],st)+'</li>';
  }
  list.innerHTML=html;
  $('x-count').textContent=result.length+' of the '+D.shown+' embedded passages match ('+D.total+' in the corpus'+(D.total>D.shown?'; '+(D.total-D.shown)+' are not embedded, see passages.jsonl':'')+')'+(result.length>shown?'; showing '+shown:'');
  $('x-more').hidden=result.length<=shown;
}
function fromHash(){
  var h=location.hash.replace(/^#/,'');if(!h)return;
  h.split('&').forEach(function(kv){var p=kv.split('=');var k=p[0],v=decodeURIComponent(p[1]||'');
    if(k==='boiler'){$('f-boiler').checked=v==='1';}else if(F.indexOf(k)>=0){$('f-'+k).value=v;}});
}
F.forEach(function(k){$('f-'+k).addEventListener(k==='q'?'input':'change',apply);});
$('f-boiler').addEventListener('change',apply);
$('x-more').addEventListener('click',function(){limit+=200;render();});
$('f-reset').addEventListener('click',function(){F.forEach(function(k){$('f-'+k).value=k==='sort'?'corpus':'';});$('f-boiler').checked=false;apply();});
document.addEventListener('click',function(ev){
  var el=ev.target.closest?ev.target.closest('[data-f]'):null;if(!el)return;
  F.forEach(function(k){$('f-'+k).value=k==='sort'?'abs':'';});
  el.getAttribute('data-f').split('&').forEach(function(kv){var p=kv.split('=');if($('f-'+p[0]))$('f-'+p[0]).value=p[1];});
  apply();$('explorer').scrollIntoView();
});
fromHash();apply();
document.documentElement.setAttribute('data-explorer','ready');
})();"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mentions_respect_word_boundaries_and_count_characters() {
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(["GPT", "OpenAI", "奥特曼"])
            .unwrap();
        let t = "奥特曼说 openai 的 GPT 与 GPTQ 不同";
        let m = mentions(&ac, t);
        let got: Vec<String> = m
            .iter()
            .map(|[a, b]| t.chars().skip(*a).take(b - a).collect())
            .collect();
        assert_eq!(got, vec!["奥特曼", "openai", "GPT"]);
    }

    #[test]
    fn default_targets_give_matchers() {
        let m = mention_matchers();
        assert!(m.contains_key("openai") && m.contains_key("china"));
    }
}
