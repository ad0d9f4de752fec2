/* Pak Semmok: the application form on a phone.
 *
 * - Each upload slot posts on its own (XHR, for a progress bar), so a failed upload never
 *   loses what was typed in the form; "Coba lagi" resends the same prepared file.
 * - Photos are shrunk in the browser to about 2000 px on the long side as JPEG before
 *   upload: a phone photo costs a few hundred KB of mobile data instead of several MB.
 *   The server still checks and re-encodes everything; this is only to save data.
 * - Photos are checked first (photo-check.js): a blurred, dark or glaring one asks
 *   "Ulangi atau tetap kirim?" before anything is sent.
 * - The form's answers are saved as a draft shortly after each change.
 * Without JavaScript every form still works with ordinary page loads.
 */
(function () {
  "use strict";

  var LONG_SIDE = 2000;
  var QUALITY = 0.85;

  function shrink(file) {
    // Only images the browser can decode; PDFs and anything else go as they are.
    if (!/^image\//.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, LONG_SIDE / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      var ctx = canvas.getContext("2d");
      ctx.fillStyle = "#fff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      if (bitmap.close) { bitmap.close(); }
      return new Promise(function (resolve) {
        canvas.toBlob(function (blob) {
          // A shrunk copy larger than the original (small PNG scans) is not worth sending.
          resolve(blob && blob.size < file.size ? blob : file);
        }, "image/jpeg", QUALITY);
      });
    }).catch(function () { return file; });
  }

  function jpegName(file, blob) {
    if (blob === file) { return file.name || "berkas"; }
    return (file.name || "foto").replace(/\.[^.]*$/, "") + ".jpg";
  }

  // Files picked and not yet answered by the server (being checked, shrunk or sent).
  // Leaving the page drops them, so the data form's "Lanjut" and "Simpan draf" wait for
  // them and then go on by themselves, and a link asks first: a quick tap on a slow line
  // must not lose a photo the resident has just picked.
  var pending = 0;
  var waiting = null;

  function uploadSettled(ok) {
    pending -= 1;
    if (!waiting) { return; }
    if (!ok) { waiting.failed = true; }
    if (pending > 0) { return; }
    var w = waiting;
    waiting = null;
    if (w.button) { w.button.disabled = false; }
    if (w.failed) {
      w.status.textContent = w.status.getAttribute("data-failed") || "";
      return;
    }
    w.status.textContent = "";
    if (w.form.requestSubmit) { w.form.requestSubmit(w.button || undefined); } else { w.form.submit(); }
  }

  function waitForUploads(form) {
    var status = document.querySelector(".app-submit-status");
    form.addEventListener("submit", function (e) {
      if (pending <= 0 || !status) { return; }
      e.preventDefault();
      var button = e.submitter || null;
      waiting = { form: form, button: button, status: status, failed: false };
      if (button) { button.disabled = true; }
      status.textContent = status.getAttribute("data-wait") || "";
    });
    window.addEventListener("beforeunload", function (e) {
      if (pending > 0 && !waiting) { e.preventDefault(); e.returnValue = ""; }
    });
  }

  function send(form, blob, name) {
    pending += 1; // settled when the server has answered (or the line failed)
    var box = form.querySelector(".app-progress");
    var bar = box.querySelector("progress");
    var text = box.querySelector(".app-progress-text");
    var retry = box.querySelector(".app-retry");
    var slot = form.closest(".app-slot");
    box.hidden = false;
    retry.hidden = true;
    bar.value = 0;
    // The words come from the page (data attributes), in its language.
    text.textContent = box.getAttribute("data-sending") || "";
    var data = new FormData();
    data.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    data.append("file", blob, name);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) {
        bar.value = Math.round((e.loaded / e.total) * 100);
        text.textContent = (box.getAttribute("data-progress") || "")
          .replace("{percent}", bar.value).replace("{kb}", Math.ceil(e.total / 1024));
      }
    });
    xhr.addEventListener("load", function () {
      if ((xhr.status === 200 || xhr.status === 422) && xhr.responseText) {
        // The server sends the slot back: uploaded, or with the reason it was refused.
        var holder = document.createElement("div");
        holder.innerHTML = xhr.responseText.trim();
        var fresh = holder.firstElementChild;
        if (fresh && slot) {
          slot.replaceWith(fresh);
          bind(fresh);
          // A refusal (422) comes back as the slot with its reason: not sent, so not "done".
          uploadSettled(xhr.status === 200);
          return;
        }
      }
      failed();
    });
    xhr.addEventListener("error", failed);
    xhr.addEventListener("timeout", failed);
    xhr.timeout = 120000;
    xhr.send(data);

    function failed() {
      text.textContent = box.getAttribute("data-failed") || "";
      retry.hidden = false;
      retry.onclick = function () { send(form, blob, name); };
      uploadSettled(false);
    }
  }

  // "Foto buram. Ulangi atau tetap kirim?": the resident decides; nothing is refused here.
  function ask(form, input, flags, go) {
    var s = window.PakSemmokPhotoCheck.settings();
    var old = form.querySelector(".app-photo-check");
    if (old) { old.remove(); }
    var box = document.createElement("div");
    box.className = "app-photo-check";
    box.setAttribute("role", "alert");
    box.setAttribute("data-testid", "photo-check");
    var text = document.createElement("p");
    text.textContent = flags.map(function (f) { return s.messages[f]; }).join(" ") + " " + s.ask;
    var retry = document.createElement("button");
    retry.type = "button";
    retry.className = "button";
    retry.textContent = s.retry;
    var send = document.createElement("button");
    send.type = "button";
    send.className = "button secondary";
    send.textContent = s.send;
    retry.addEventListener("click", function () {
      box.remove();
      input.value = "";
      input.click();
    });
    send.addEventListener("click", function () {
      box.remove();
      go();
    });
    box.append(text, retry, " ", send);
    form.append(box);
    retry.focus();
  }

  function bind(root) {
    root.querySelectorAll("form.app-upload").forEach(function (form) {
      form.classList.add("js");
      form.querySelectorAll("input[data-upload]").forEach(function (input) {
        input.addEventListener("change", picked);
        // A file picked before this script ran (a slow line delays it) is sent now: its
        // change event came when nothing listened, and the form's own button is hidden.
        if (input.files && input.files.length) { picked(); }
        function picked() {
          var file = input.files && input.files[0];
          if (!file) { return; }
          // Counted from the pick: the check and the shrink come before the send, and each
          // step is counted before the one before it settles, so the count never passes 0.
          pending += 1;
          var checker = window.PakSemmokPhotoCheck;
          var checked = checker ? checker.check(file) : Promise.resolve([]);
          checked.then(function (flags) {
            if (!flags.length) {
              go();
              uploadSettled(true);
              return;
            }
            ask(form, input, flags, go);
            uploadSettled(false); // waits for the resident's answer, not sent
          });
          function go() {
            pending += 1;
            shrink(file).then(function (blob) {
              send(form, blob, jpegName(file, blob));
              input.value = "";
              uploadSettled(true);
            });
          }
        }
      });
    });
  }

  function autosave(form) {
    var status = form.querySelector(".app-autosave-status");
    var timer = null;
    var reloadAfter = false;
    function save() {
      var data = new FormData(form);
      fetch(form.action || window.location.href, {
        method: "POST", body: data, credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-Requested-With": "XMLHttpRequest" },
      }).then(function (r) { return r.json().then(function (body) { return [r, body]; }); })
        .then(function (pair) {
          if (pair[0].ok) {
            status.textContent = pair[1].saved || "";
            // A yes/no or a choice can change which documents are asked for.
            if (reloadAfter) { window.location.reload(); }
          } else {
            status.textContent = pair[1].error || status.getAttribute("data-invalid") || "";
          }
          reloadAfter = false;
        })
        .catch(function () { status.textContent = status.getAttribute("data-offline") || ""; });
    }
    form.addEventListener("change", function (e) {
      if (e.target.hasAttribute("data-affects-slots")) { reloadAfter = true; }
      clearTimeout(timer);
      timer = setTimeout(save, 600);
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bind(document);
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      autosave(form);
      waitForUploads(form);
    });
    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.addEventListener("click", function () { window.print(); });
      button.hidden = false; // shown only once it can print
    });
    document.querySelectorAll("button[data-once]").forEach(function (button) {
      // One tap sends once; the server refuses a second submission anyway.
      button.form.addEventListener("submit", function () { button.disabled = true; });
    });
  });
})();
