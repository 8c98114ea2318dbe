// Episode fields of the story editor: upload an MP4 to the media store and put its address in the
// video field; the placeholder follows the chosen kind of video.
(function () {
  'use strict';
  var box = document.querySelector('[data-format-fields="episode"]');
  if (!box) { return; }
  var url = box.querySelector('[data-video-url]');
  var file = box.querySelector('[data-video-file]');
  var send = box.querySelector('[data-video-send]');
  var status = box.querySelector('[data-video-status]');
  var form = document.getElementById('story-form');

  box.querySelectorAll('input[name="Form.VideoKind"]').forEach(function (radio) {
    radio.addEventListener('change', function () { if (radio.checked && url) { url.placeholder = radio.getAttribute('data-hint') || ''; } });
  });

  if (!send || !file || !form) { return; }
  send.addEventListener('click', function () {
    if (!file.files || file.files.length === 0) { status.textContent = 'Choose an MP4 file first.'; return; }
    var token = form.querySelector('input[name="__RequestVerificationToken"]');
    var data = new FormData();
    data.append('Video', file.files[0]);
    if (token) { data.append('__RequestVerificationToken', token.value); }
    send.disabled = true;
    status.textContent = 'Uploading…';
    fetch('/newsroom/media/video', { method: 'POST', body: data, credentials: 'same-origin', headers: { 'Accept': 'application/json' } })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }, function () { return { ok: false, body: {} }; }); })
      .then(function (res) {
        if (res.ok && res.body.url) {
          url.value = res.body.url;
          var upload = box.querySelector('input[name="Form.VideoKind"][value="Upload"]');
          if (upload) { upload.checked = true; }
          status.textContent = 'Uploaded. Save the story to keep it.';
        } else {
          status.textContent = res.body.title || 'The upload failed; try again.';
        }
      })
      .catch(function () { status.textContent = 'The upload failed; check the connection and try again.'; })
      .then(function () { send.disabled = false; });
  });
})();
