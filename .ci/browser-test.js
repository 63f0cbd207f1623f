// Browser test of a report's index.html, driven over the DevTools protocol
// (--remote-debugging-pipe: no port, no network, no npm packages).
//
//   node .ci/browser-test.js CHROMIUM REPORT_DIR OUT_DIR
//
// Checks: the page loads from file:// with no script error or console error;
// the explorer is ready; searching an English and a Chinese word from the
// page's own data finds passages that contain them; filtering by theme and
// by target keeps only matching passages; a click on a comparison cell
// filters the explorer; Chinese renders (each of several characters is
// drawn with ink and differently from the others, which tofu boxes are not).
// Writes screenshots to OUT_DIR and prints the load time.
'use strict';
const { spawn } = require('child_process');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const [chromium, reportDir, outDir] = process.argv.slice(2);
if (!chromium || !reportDir || !outDir) {
  console.error('usage: browser-test.js CHROMIUM REPORT_DIR OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const profile = fs.mkdtempSync(path.join(outDir, 'profile-'));
const page = 'file://' + path.resolve(reportDir, 'index.html');

const proc = spawn(chromium, [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--hide-scrollbars', '--remote-debugging-pipe',
  '--user-data-dir=' + profile, '--window-size=1280,900', 'about:blank',
], { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] });
let stderr = '';
proc.stderr.on('data', (d) => { stderr += d; });

let nextId = 1;
const waiting = new Map();
const listeners = [];
let buf = Buffer.alloc(0);
proc.stdio[4].on('data', (chunk) => {
  buf = Buffer.concat([buf, chunk]);
  let z;
  while ((z = buf.indexOf(0)) >= 0) {
    const msg = JSON.parse(buf.subarray(0, z).toString('utf8'));
    buf = buf.subarray(z + 1);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      if (msg.error) reject(new Error(JSON.stringify(msg.error))); else resolve(msg.result);
    } else if (msg.method) {
      listeners.forEach((f) => f(msg));
    }
  }
});
function send(method, params = {}, sessionId) {
  const id = nextId++;
  const m = { id, method, params };
  if (sessionId) m.sessionId = sessionId;
  proc.stdio[3].write(JSON.stringify(m) + '\0');
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

// A small PNG decoder (8-bit RGB/RGBA, not interlaced: what Chromium writes).
function decodePng(b) {
  let pos = 8, w = 0, h = 0, ct = 0; const idat = [];
  while (pos < b.length) {
    const len = b.readUInt32BE(pos), type = b.toString('ascii', pos + 4, pos + 8);
    const data = b.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') { w = data.readUInt32BE(0); h = data.readUInt32BE(4); ct = data[9]; if (data[8] !== 8 || data[12] !== 0) throw new Error('png: unsupported'); }
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = ct === 6 ? 4 : ct === 2 ? 3 : 0;
  if (!bpp) throw new Error('png: colour type ' + ct);
  const raw = zlib.inflateSync(Buffer.concat(idat)), stride = w * bpp;
  const px = Buffer.alloc(h * stride);
  for (let y = 0; y < h; y++) {
    const f = raw[y * (stride + 1)], src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0, up = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      let v = src[x];
      if (f === 1) v += a; else if (f === 2) v += up; else if (f === 3) v += (a + up) >> 1;
      else if (f === 4) { const p = a + up - c, pa = Math.abs(p - a), pb = Math.abs(p - up), pc = Math.abs(p - c); v += pa <= pb && pa <= pc ? a : pb <= pc ? up : c; }
      px[y * stride + x] = v & 255;
    }
  }
  // Binary ink mask.
  const ink = new Uint8Array(w * h);
  for (let i = 0; i < w * h; i++) ink[i] = (px[i * bpp] + px[i * bpp + 1] + px[i * bpp + 2]) / 3 < 128 ? 1 : 0;
  return { w, h, ink };
}

const failures = [];
function check(ok, what) {
  console.log((ok ? 'ok   ' : 'FAIL ') + what);
  if (!ok) failures.push(what);
}

(async () => {
  const timer = setTimeout(() => { console.error('timed out\n' + stderr); proc.kill(); process.exit(1); }, 90000);
  const { targetId } = await send('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await send('Target.attachToTarget', { targetId, flatten: true });
  const s = (m, p) => send(m, p, sessionId);
  const errors = [];
  let loaded = null;
  listeners.push((m) => {
    if (m.sessionId !== sessionId) return;
    if (m.method === 'Runtime.exceptionThrown') errors.push('exception: ' + JSON.stringify(m.params.exceptionDetails).slice(0, 400));
    if (m.method === 'Runtime.consoleAPICalled' && (m.params.type === 'error' || m.params.type === 'assert')) errors.push('console.' + m.params.type + ': ' + JSON.stringify(m.params.args).slice(0, 400));
    if (m.method === 'Log.entryAdded' && m.params.entry.level === 'error') errors.push('log: ' + m.params.entry.text);
    if (m.method === 'Page.loadEventFired' && loaded) loaded();
  });
  await s('Page.enable'); await s('Runtime.enable'); await s('Log.enable');
  await s('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 1, mobile: false });
  const t0 = Date.now();
  const onLoad = new Promise((r) => { loaded = r; });
  await s('Page.navigate', { url: page });
  await onLoad;
  const ev = async (expr) => {
    const r = await s('Runtime.evaluate', { expression: expr, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(expr.slice(0, 80) + ': ' + JSON.stringify(r.exceptionDetails).slice(0, 300));
    return r.result.value;
  };
  // Ready when the script has run.
  for (let k = 0; k < 200 && !(await ev("document.documentElement.getAttribute('data-explorer')==='ready'")); k++) await new Promise((r) => setTimeout(r, 25));
  const ms = Date.now() - t0;
  console.log('load + explorer ready: ' + ms + ' ms');
  check(await ev("document.documentElement.getAttribute('data-explorer')==='ready'"), 'explorer script ran');
  check(ms < 2000, 'page ready in under 2 s (' + ms + ' ms)');

  // Helpers inside the page.
  await ev(`window.__t={
    D:JSON.parse(document.getElementById('sm-data').textContent),
    set:function(id,v){var e=document.getElementById(id);if(e.type==='checkbox')e.checked=v;else e.value=v;e.dispatchEvent(new Event(e.tagName==='INPUT'&&e.type==='search'?'input':'change'));},
    reset:function(){document.getElementById('f-reset').click();},
    rows:function(){return Array.from(document.querySelectorAll('#x-list li')).map(function(li){return +li.getAttribute('data-row');});},
    count:function(){return document.getElementById('x-count').textContent;}
  };true`);
  const total = await ev('__t.rows().length');
  check(total > 0, 'explorer lists passages (' + total + ' shown)');

  // Search a word of each language taken from the page's data.
  for (const [lang, re] of [['English', '[A-Za-z]{7,}'], ['Chinese', '[\\u4e00-\\u9fff]{2}']]) {
    const word = await ev(`(function(){var R=new RegExp(${JSON.stringify(re)});for(var i=0;i<__t.D.rows.length;i++){var r=__t.D.rows[i];if(r[5])continue;var m=r[6].match(R);if(m)return m[0];}return null;})()`);
    check(!!word, lang + ' word found in the data: ' + word);
    if (!word) continue;
    await ev(`__t.reset();__t.set('f-q',${JSON.stringify(word)});true`);
    const ok = await ev(`(function(){var r=__t.rows();return r.length>0&&r.every(function(i){return __t.D.rows[i][6].toLowerCase().indexOf(${JSON.stringify(word.toLowerCase())})>=0;});})()`);
    check(ok, 'search "' + word + '" lists only passages containing it (' + (await ev('__t.count()')) + ')');
  }
  // Filter by theme, then by target and label.
  const theme = await ev('__t.D.themes.length?String(__t.D.themes[0][0]):null');
  if (theme !== null) {
    await ev(`__t.reset();__t.set('f-theme',${JSON.stringify(theme)});true`);
    const ok = await ev(`(function(){var r=__t.rows();return r.length>0&&r.every(function(i){return String(__t.D.rows[i][4])===${JSON.stringify(theme)};});})()`);
    check(ok, 'theme filter keeps only theme ' + theme + ' (' + (await ev('__t.count()')) + ')');
  }
  if (await ev('__t.D.targets.length>0')) {
    await ev(`__t.reset();__t.set('f-target','0');__t.set('f-label','2');true`);
    const ok = await ev(`(function(){var r=__t.rows();return r.every(function(i){return __t.D.rows[i][7].some(function(s){return s[0]===0&&s[2]===2;});});})()`);
    check(ok, 'target + label filter keeps only passages against target 0 (' + (await ev('__t.count()')) + ')');
    await ev(`__t.reset();__t.set('f-target','0');__t.set('f-sort','abs');true`);
    const sorted = await ev(`(function(){var r=__t.rows().slice(0,50).map(function(i){var b=0;__t.D.rows[i][7].forEach(function(s){if(s[0]===0)b=Math.abs(s[1]);});return b;});for(var k=1;k<r.length;k++)if(r[k]>r[k-1])return false;return r.length>0;})()`);
    check(sorted, 'sort by |score| toward target 0');
    const marks = await ev(`document.querySelectorAll('#x-list mark.favor, #x-list mark.against').length`);
    check(marks > 0, 'evidence marked in the listed passages (' + marks + ')');
    const mentions = await ev(`document.querySelectorAll('#x-list mark.mention').length`);
    check(mentions > 0, 'target mentions marked (' + mentions + ')');
    // A comparison cell drives the explorer.
    const cell = await ev(`(function(){var c=document.querySelector('td.cell[data-f*="theme="]');if(!c)return null;c.click();return c.getAttribute('data-f');})()`);
    if (cell) {
      const th = /theme=(-?\d+)/.exec(cell)[1];
      const ok = await ev(`(function(){var r=__t.rows();return r.length>0&&r.every(function(i){return String(__t.D.rows[i][4])===${JSON.stringify(th)};})&&document.getElementById('f-theme').value===${JSON.stringify(th)};})()`);
      check(ok, 'clicking cell ' + cell + ' filters the explorer');
    }
  }
  await ev('__t.reset();window.scrollTo(0,0);true');
  const shot = await s('Page.captureScreenshot', { format: 'png' });
  fs.writeFileSync(path.join(outDir, 'page-top.png'), Buffer.from(shot.data, 'base64'));

  // Chinese renders: several characters, each drawn alone in the page's
  // font stack, must each have ink and differ from one another (tofu boxes
  // are all the same box). The characters come from the page itself.
  const chars = await ev(`(function(){var t=document.body.innerText,o=[];for(var c of t){if(/[\\u4e00-\\u9fff]/.test(c)&&o.indexOf(c)<0)o.push(c);if(o.length>=6)break;}
    var box=document.createElement('div');box.id='__cjk';box.style.cssText='position:absolute;left:0;top:0;background:#fff;color:#000;font-size:40px;line-height:56px;padding:8px;z-index:99';
    o.forEach(function(c){var s=document.createElement('span');s.textContent=c;s.style.cssText='display:inline-block;width:56px;text-align:center';box.appendChild(s);});
    var row2=document.createElement('div');row2.style.cssText='font-family:stancemap-cjk,monospace';
    o.forEach(function(c){var s=document.createElement('span');s.textContent=c;s.style.cssText='display:inline-block;width:56px;text-align:center';row2.appendChild(s);});
    box.appendChild(row2);
    document.body.appendChild(box);window.scrollTo(0,0);return o;})()`);
  await ev('document.fonts.ready.then(function(){return true;})');
  await new Promise((r) => setTimeout(r, 200));
  for (const [row, what] of [[0, "the page's font stack"], [1, 'the embedded font alone']]) {
  const shotCjk = await s('Page.captureScreenshot', { format: 'png', clip: { x: 8, y: 8 + 56 * row, width: 56 * chars.length, height: 56, scale: 1 } });
  const png = Buffer.from(shotCjk.data, 'base64');
  fs.writeFileSync(path.join(outDir, 'cjk-' + row + '.png'), png);
  const img = decodePng(png);
  const masks = chars.map((_, k) => {
    let m = '', n = 0;
    for (let y = 0; y < img.h; y++) for (let x = k * 56; x < (k + 1) * 56 && x < img.w; x++) { const v = img.ink[y * img.w + x]; m += v; n += v; }
    return { m, n };
  });
  check(chars.length >= 3, 'page has Chinese characters to test: ' + chars.join(''));
  check(masks.every((x) => x.n > 30), what + ': each Chinese character is drawn (ink: ' + masks.map((x) => x.n).join(', ') + ')');
  const distinct = new Set(masks.map((x) => x.m)).size;
  check(distinct === masks.length, what + ': the characters differ from one another, so they are not tofu (' + distinct + ' distinct of ' + masks.length + ')');
  }

  await new Promise((r) => setTimeout(r, 100));
  check(errors.length === 0, 'no script or console error' + (errors.length ? ': ' + errors.join(' | ') : ''));
  clearTimeout(timer);
  const exited = new Promise((r) => proc.once('exit', r));
  send('Browser.close').catch(() => {});
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  proc.kill();
  await new Promise((r) => setTimeout(r, 200));
  try { fs.rmSync(profile, { recursive: true, force: true }); } catch (e) { console.log('note: profile left at ' + profile); }
  console.log(failures.length ? failures.length + ' check(s) failed' : 'all browser checks passed');
  process.exit(failures.length ? 1 : 0);
})().catch((e) => { console.error(e.stack || e); console.error(stderr.slice(-2000)); proc.kill(); process.exit(1); });
