// Live desk: posts the compose form without leaving the page and puts the new update at the top of
// the list. Without JavaScript the form posts and the page reloads (post/redirect/get).
(() => {
  'use strict';
  const form = document.querySelector('form[data-live-compose]');
  const list = document.querySelector('[data-live-desk-list]');
  if (!form || !list || !window.fetch) return;
  const status = form.querySelector('.live-compose-status');
  const button = form.querySelector('button[type=submit]');

  const showErrors = (errors) => {
    form.querySelectorAll('.nr-field-error').forEach((e) => e.remove());
    Object.entries(errors || {}).forEach(([field, message]) => {
      const input = field === 'headline' ? form.querySelector('[name=ComposeHeadline]') : form.querySelector('[name=ComposeBody]');
      const span = document.createElement('span');
      span.className = 'nr-field-error';
      span.dataset.errorFor = field;
      span.textContent = message;
      input.insertAdjacentElement('afterend', span);
    });
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    button.disabled = true;
    status.textContent = 'Posting…';
    try {
      const response = await fetch(form.action, { method: 'POST', body: new FormData(form), headers: { 'X-Live-Desk': '1' }, credentials: 'same-origin' });
      if (response.ok) {
        const html = await response.text();
        const t = document.createElement('template');
        t.innerHTML = html.trim();
        const item = t.content.firstElementChild;
        if (item) {
          const pinned = item.classList.contains('is-pinned');
          if (pinned) list.querySelectorAll('.live-desk-update.is-pinned').forEach((p) => p.classList.remove('is-pinned'));
          const firstUnpinned = Array.from(list.children).find((c) => !c.classList.contains('is-pinned'));
          list.insertBefore(item, pinned ? list.firstChild : firstUnpinned || null);
        }
        form.reset();
        showErrors({});
        status.textContent = 'Posted.';
      } else if (response.headers.get('content-type')?.includes('json')) {
        const problem = await response.json();
        showErrors(problem.errors);
        status.textContent = '';
      } else {
        status.textContent = 'Not posted (' + response.status + '); try again.';
      }
    } catch {
      status.textContent = 'Not posted: the connection failed; try again.';
    } finally {
      button.disabled = false;
    }
  });
})();
