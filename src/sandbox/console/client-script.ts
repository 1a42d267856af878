// The console's only script, served as /sandbox/console.js: polls for changes once a second and swaps the
// regions that changed (never under a pressed button), sends the forms with fetch (the page works without it,
// by full-page posts), turns a button's Slack confirm into the browser's confirm(), and marks channels with
// unread messages.
export const CLIENT_SCRIPT = `(function () {
  'use strict';
  var body = document.body;
  var version = Number(body.dataset.version || 0);
  var inFlight = false;
  var again = false;
  var last = {};
  var SEEN = 'firebreak-console-seen';

  function query(since) {
    var q = new URLSearchParams({ channel: body.dataset.channel || '', as: body.dataset.as || '' });
    if (since !== undefined) q.set('since', String(since));
    return q.toString();
  }

  var toastTimer = null;
  function toast(text, ok) {
    var el = document.getElementById('toast');
    if (!el || !text) return;
    el.textContent = text;
    el.className = 'show ' + (ok ? 'ok' : 'error');
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () { el.className = ''; }, ok ? 4000 : 10000);
  }

  function seen() {
    try { return JSON.parse(localStorage.getItem(SEEN) || '{}'); } catch (e) { return {}; }
  }

  function markUnread() {
    var counts = seen();
    document.querySelectorAll('#channels a[data-channel]').forEach(function (a) {
      var id = a.dataset.channel;
      var count = Number(a.dataset.count || 0);
      if (id === body.dataset.channel) counts[id] = count;
      var unread = count - Number(counts[id] || 0);
      a.classList.toggle('unread', unread > 0);
      var badge = a.querySelector('.chan-count');
      if (badge) badge.textContent = unread > 0 ? String(unread) : '';
    });
    try { localStorage.setItem(SEEN, JSON.stringify(counts)); } catch (e) { /* private mode: no unread marks */ }
  }

  function nearBottom(el) {
    return el.scrollHeight - el.scrollTop - el.clientHeight < 120;
  }

  function replace(id, markup) {
    var el = document.getElementById(id);
    if (!el || last[id] === markup) return;
    last[id] = markup;
    var open = Array.prototype.map.call(el.querySelectorAll('details[open][data-key]'), function (d) { return d.dataset.key; });
    var stick = id === 'messages' && nearBottom(el);
    var top = el.scrollTop;
    el.innerHTML = markup;
    open.forEach(function (key) {
      var d = el.querySelector('details[data-key="' + CSS.escape(key) + '"]');
      if (d) d.open = true;
    });
    el.scrollTop = stick ? el.scrollHeight : top;
  }

  function showModal(modal) {
    var el = document.getElementById('modal');
    if (!el || el.dataset.key === modal.key) return;
    el.dataset.key = modal.key;
    el.innerHTML = modal.html;
    var field = el.querySelector('.field-error') ? el.querySelector('.has-error input, .has-error textarea, .has-error select') : el.querySelector('input:not([type=hidden]), textarea, select');
    if (field) field.focus();
  }

  // A swap between a button's press and its release takes the pressed button away, and the browser then fires
  // no click (press and release on different elements): the click would be lost. So while a pointer is down,
  // the newest state is held, and drawn once the press has ended and its click has been dispatched. Held for
  // at most HOLD_MS: a release the page never hears of (a select's popup takes it) must not freeze the view.
  var HOLD_MS = 10000;
  var pressed = false;
  var pressedAt = 0;
  var held = null;

  function apply(state) {
    // Held, the version stays behind: each poll brings the newest state again, and draws it once the hold ends.
    if (pressed && Date.now() - pressedAt < HOLD_MS) {
      held = state;
      body.dataset.held = 'true';
      return;
    }
    version = state.version;
    held = null;
    delete body.dataset.held;
    Object.keys(state.regions).forEach(function (id) { replace(id, state.regions[id]); });
    showModal(state.modal);
    markUnread();
  }

  function refresh(force) {
    if (inFlight) { again = again || force; return; }
    inFlight = true;
    fetch('/sandbox/state?' + query(force ? undefined : version), { headers: { accept: 'application/json' }, cache: 'no-store' })
      .then(function (res) {
        body.classList.remove('offline');
        return res.status === 200 ? res.json().then(apply) : undefined;
      })
      .catch(function () { body.classList.add('offline'); })
      .then(function () {
        inFlight = false;
        if (again) { again = false; refresh(true); }
      });
  }

  document.addEventListener('pointerdown', function (event) {
    if (!event.isPrimary) return;
    pressed = true;
    pressedAt = Date.now();
  }, true);
  function released() {
    if (!pressed) return;
    pressed = false;
    // The click (and a form's submit) fire in this same task, after pointerup: draw in the next one.
    setTimeout(function () {
      if (!pressed && held) apply(held);
    }, 0);
  }
  ['pointerup', 'pointercancel'].forEach(function (type) { window.addEventListener(type, released, true); });
  // A press released outside the window may never send its pointerup here.
  window.addEventListener('blur', released);

  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'post') return;
    var submitter = event.submitter;
    var closing = submitter && submitter.hasAttribute('formaction');
    if (form.dataset.confirm && !closing && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    event.preventDefault();
    var action = (submitter && submitter.getAttribute('formaction')) || form.getAttribute('action');
    var data = new URLSearchParams(new FormData(form, submitter || undefined));
    var buttons = form.querySelectorAll('button');
    buttons.forEach(function (b) { b.disabled = true; });
    form.classList.add('sending');
    fetch(action, { method: 'POST', body: data, headers: { accept: 'application/json' } })
      .then(function (res) {
        return res.json().catch(function () { return { ok: res.ok, message: res.ok ? '' : 'HTTP ' + res.status }; });
      })
      .then(function (answer) {
        if (answer.message) toast(answer.message, answer.ok);
        if (answer.ok && form.hasAttribute('data-reset')) form.reset();
        var details = form.closest('details');
        if (answer.ok && details) details.open = false;
      })
      .catch(function (error) { toast('The console could not reach Firebreak: ' + error.message, false); })
      .then(function () {
        buttons.forEach(function (b) { b.disabled = false; });
        form.classList.remove('sending');
        refresh(true);
      });
  });

  document.addEventListener('change', function (event) {
    var el = event.target;
    if (el instanceof HTMLSelectElement && el.hasAttribute('data-autosubmit') && el.form) el.form.submit();
  });

  document.addEventListener('click', function (event) {
    var chip = event.target instanceof Element ? event.target.closest('[data-fill]') : null;
    if (!chip) return;
    var input = document.getElementById('composer-input');
    if (!input) return;
    input.value = chip.dataset.fill;
    input.focus();
  });

  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    var cancel = document.querySelector('#modal button[formaction]');
    if (cancel) cancel.click();
  });

  var notice = document.getElementById('toast');
  if (notice && notice.classList.contains('show')) toastTimer = setTimeout(function () { notice.className = ''; }, 6000);
  var messages = document.getElementById('messages');
  if (messages) messages.scrollTop = messages.scrollHeight;
  markUnread();
  // The page was drawn at its version: only a change since then is fetched and swapped in.
  refresh(false);
  setInterval(function () { refresh(false); }, 1000);
})();
`;
