// The planning page: dragging a scheduled story onto another day moves it there at the same time of day.
// The drop fills the story's own "Move to…" form and submits it, so a drag and the keyboard control
// make the same request (the server checks the role, the time and the version either way).
(() => {
  'use strict';
  const plan = document.querySelector('[data-planning]');
  if (!plan) return;
  let dragged = null;

  plan.addEventListener('dragstart', (e) => {
    const story = e.target.closest && e.target.closest('.plan-story[draggable="true"]');
    if (!story) return;
    dragged = story;
    story.classList.add('plan-dragging');
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', story.dataset.storyId);
  });

  plan.addEventListener('dragend', () => {
    if (dragged) dragged.classList.remove('plan-dragging');
    dragged = null;
    plan.querySelectorAll('.plan-drop').forEach((d) => d.classList.remove('plan-drop'));
  });

  plan.addEventListener('dragover', (e) => {
    const day = e.target.closest && e.target.closest('.plan-day');
    if (!day || !dragged) return;
    e.preventDefault();
    e.dataTransfer.dropEffect = 'move';
    plan.querySelectorAll('.plan-drop').forEach((d) => { if (d !== day) d.classList.remove('plan-drop'); });
    day.classList.add('plan-drop');
  });

  plan.addEventListener('drop', (e) => {
    const day = e.target.closest && e.target.closest('.plan-day');
    if (!day || !dragged) return;
    e.preventDefault();
    const story = dragged;
    const from = story.closest('.plan-day');
    if (from === day) return;
    const form = story.querySelector('form[data-plan-move]');
    const at = form && form.querySelector('input[name="at"]');
    if (!at) return;
    at.value = day.dataset.day + 'T' + story.dataset.time;
    // Shown where it was dropped at once; the page that comes back is the server's word on it.
    day.querySelector('.plan-stories').appendChild(story);
    story.setAttribute('aria-busy', 'true');
    form.requestSubmit();
  });
})();
