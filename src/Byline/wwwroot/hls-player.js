// HLS players on episode and Live TV pages. Byline ships no streaming library: browsers that play
// HLS natively (Safari, Android's) get the plain <video>; others are told plainly and given the link.
(function () {
  'use strict';
  document.querySelectorAll('[data-player="hls"]').forEach(function (frame) {
    var video = frame.querySelector('video');
    var note = frame.querySelector('.hls-note');
    if (!video || !note) { return; }
    var native = video.canPlayType('application/vnd.apple.mpegurl') || video.canPlayType('application/x-mpegURL');
    if (native) {
      note.hidden = true;
      return;
    }
    // No native HLS: say so now rather than after a failed press of play.
    frame.classList.add('hls-unsupported');
    note.hidden = false;
    note.setAttribute('role', 'status');
    var link = note.querySelector('.stream-link');
    note.textContent = 'This browser cannot play this live stream by itself. ';
    if (link) {
      note.appendChild(document.createTextNode('Open '));
      note.appendChild(link);
      note.appendChild(document.createTextNode(' in a video player such as VLC, or watch in Safari or on an Android phone.'));
    }
  });
})();
