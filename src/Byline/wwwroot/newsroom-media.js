// The media library page: the focal-point picker (a click on the picture fills the two percentages) and
// the bulk upload with a progress bar per file. Without script the forms post as they are.
(function () {
  'use strict';

  // ---- focal points ----
  document.querySelectorAll('[data-focus-form]').forEach(function (form) {
    var picker = form.querySelector('[data-focus-picker]');
    var img = form.querySelector('[data-focus-source]');
    var dot = form.querySelector('.focus-dot');
    var x = form.querySelector('input[name="x"]');
    var y = form.querySelector('input[name="y"]');
    function place() { dot.style.left = x.value + '%'; dot.style.top = y.value + '%'; }
    place();
    x.addEventListener('input', place);
    y.addEventListener('input', place);
    img.addEventListener('click', function (ev) {
      var r = img.getBoundingClientRect();
      x.value = (Math.round(1000 * (ev.clientX - r.left) / r.width) / 10).toFixed(1);
      y.value = (Math.round(1000 * (ev.clientY - r.top) / r.height) / 10).toFixed(1);
      place();
    });
    picker.classList.add('focus-picker-ready');
  });

  // ---- bulk upload: each file through the JSON upload, with its own progress bar ----
  var form = document.querySelector('[data-bulk-upload]');
  if (!form || !window.XMLHttpRequest) { return; }
  var input = form.querySelector('input[type="file"]');
  var list = form.querySelector('[data-bulk-progress]');
  var max = Number(form.getAttribute('data-max-bytes'));
  form.addEventListener('submit', function (ev) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length < 2) { return; }
    ev.preventDefault();
    list.innerHTML = '';
    var token = form.querySelector('input[name="__RequestVerificationToken"]').value;
    var done = [];
    var failed = 0;
    function next(i) {
      if (i >= files.length) {
        if (failed === 0 && done.length > 0) { window.location.href = '/newsroom/media?uploaded=' + done[0] + '&count=' + done.length; }
        return;
      }
      var file = files[i];
      var item = document.createElement('li');
      var label = document.createElement('span');
      label.textContent = file.name + ' ';
      var bar = document.createElement('progress');
      bar.max = 100; bar.value = 0;
      bar.setAttribute('aria-label', 'Uploading ' + file.name);
      var said = document.createElement('span');
      said.setAttribute('data-bulk-result', '');
      item.append(label, bar, said);
      list.append(item);
      if (file.size > max) {
        said.textContent = ' Too large: at most ' + (max / 1048576).toFixed(1) + ' MB.';
        failed++; next(i + 1); return;
      }
      var data = new FormData();
      data.append('Upload', file);
      ['Alt', 'Caption', 'Credit'].forEach(function (n) { data.append(n, form.querySelector('[name="' + n + '"]').value); });
      data.append('__RequestVerificationToken', token);
      var xhr = new XMLHttpRequest();
      xhr.open('POST', '/newsroom/media?handler=Json');
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.addEventListener('progress', function (e) { if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); } });
      xhr.addEventListener('load', function () {
        var body = null;
        try { body = JSON.parse(xhr.responseText); } catch (e) { body = null; }
        if (xhr.status === 201 && body) { bar.value = 100; said.textContent = ' Uploaded.'; done.push(body.id); }
        else { failed++; said.textContent = ' ' + ((body && body.detail) || 'The upload failed.'); }
        next(i + 1);
      });
      xhr.addEventListener('error', function () { failed++; said.textContent = ' The connection was lost.'; next(i + 1); });
      xhr.send(data);
    }
    next(0);
  });
})();
