/* Pak Semmok: photo quality check in the browser, before a photo is sent.
 *
 * The same measures as the server (paksemmok/applications/uploads.py, photo_measures and
 * quality_flags), with the thresholds and messages the page gives in #photo-check, so a
 * blurred, dark, glaring or washed-out photo is caught while the resident still holds the
 * document: "Foto buram. Ulangi atau tetap kirim?". The server checks again and flags the file
 * for staff; nothing here refuses anything.
 * Exposes window.PakSemmokPhotoCheck = { check(file) -> Promise<string[]>, settings() }.
 */
(function () {
  "use strict";

  function settings() {
    var box = document.getElementById("photo-check");
    if (!box) { return null; }
    var d = box.dataset;
    return {
      side: Number(d.probeSide),
      darkMean: Number(d.darkMean),
      brightShare: Number(d.brightShare),
      contrastSpread: Number(d.contrastSpread),
      sharpness: Number(d.sharpness),
      docShare: Number(d.docShare),
      messages: {
        blurry: d.msgBlurry, dark: d.msgDark, bright: d.msgBright,
        low_contrast: d.msgLowContrast, small: d.msgSmall,
      },
      ask: d.ask, retry: d.retry, send: d.send,
    };
  }

  function percentile(hist, total, share) {
    var target = share * total, running = 0;
    for (var level = 0; level < 256; level++) {
      running += hist[level];
      if (running >= target) { return level; }
    }
    return 255;
  }

  // Grey levels as Pillow's "L" (ITU-R 601-2 luma).
  function grey(data, n) {
    var g = new Uint8ClampedArray(n);
    for (var i = 0, j = 0; i < n; i++, j += 4) {
      g[i] = (data[j] * 299 + data[j + 1] * 587 + data[j + 2] * 114) / 1000;
    }
    return g;
  }

  function measures(g, w, h) {
    var total = w * h, hist = new Array(256).fill(0), sum = 0;
    for (var i = 0; i < total; i++) { hist[g[i]]++; sum += g[i]; }
    var low = percentile(hist, total, 0.02), high = percentile(hist, total, 0.98);
    var spread = Math.max(high - low, 1);
    var bright = 0;
    for (var b = 250; b < 256; b++) { bright += hist[b]; }
    // Laplacian, clipped like Pillow's kernel filter with offset 128.
    var mags = new Array(129).fill(0);
    var colEdges = new Uint32Array(w), rowEdges = new Uint32Array(h);
    for (var y = 0; y < h; y++) {
      for (var x = 0; x < w; x++) {
        var v = 0;
        if (x > 0 && y > 0 && x < w - 1 && y < h - 1) {
          var k = y * w + x;
          v = g[k - w] + g[k + w] + g[k - 1] + g[k + 1] - 4 * g[k];
          v = Math.max(-128, Math.min(127, v));
        }
        var m = Math.min(Math.abs(v), 128);
        mags[m]++;
        if (m > 24) { colEdges[x]++; rowEdges[y]++; }
      }
    }
    var wanted = Math.max(Math.floor(total / 10), 1), taken = 0, weighted = 0;
    for (var mag = 128; mag >= 0 && taken < wanted; mag--) {
      var c = Math.min(mags[mag], wanted - taken);
      taken += c; weighted += c * mag;
    }
    function span(counts, length) {
      var hits = [];
      for (var i = 0; i < counts.length; i++) {
        if ((counts[i] * 255) / length > 6) { hits.push(i); }
      }
      if (!hits.length) { return 0; }
      var cut = Math.floor(hits.length / 50);
      return hits[hits.length - 1 - cut] - hits[cut] + 1;
    }
    return {
      mean: sum / total,
      brightShare: bright / total,
      spread: high - low,
      sharpness: ((weighted / wanted) * 100) / spread,
      docShare: (span(colEdges, h) * span(rowEdges, w)) / total,
    };
  }

  function flags(m, s) {
    var out = [];
    if (m.mean < s.darkMean) { out.push("dark"); }
    if (m.brightShare > s.brightShare) { out.push("bright"); }
    if (!out.length && m.spread < s.contrastSpread) { out.push("low_contrast"); }
    if (!out.length && m.sharpness < s.sharpness) { out.push("blurry"); }
    if (!out.length && m.docShare < s.docShare) { out.push("small"); }
    return out;
  }

  function check(file) {
    var s = settings();
    if (!s || !/^image\//.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve([]);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, s.side / Math.max(bitmap.width, bitmap.height));
      var w = Math.max(1, Math.round(bitmap.width * scale));
      var h = Math.max(1, Math.round(bitmap.height * scale));
      var canvas = document.createElement("canvas");
      canvas.width = w; canvas.height = h;
      var ctx = canvas.getContext("2d", { willReadFrequently: true });
      ctx.imageSmoothingQuality = "medium";
      ctx.drawImage(bitmap, 0, 0, w, h);
      if (bitmap.close) { bitmap.close(); }
      return flags(measures(grey(ctx.getImageData(0, 0, w, h).data, w * h), w, h), s);
    }).catch(function () { return []; });
  }

  window.PakSemmokPhotoCheck = { check: check, settings: settings, measures: measures, flags: flags };
})();
