// The search box in the page header: classifies the entry (search-query.js) and goes there, or
// says in words why it cannot.
import { classifyQuery } from '#explorer/search/search-query.js';

export function enableSearch(form) {
  const input = form.querySelector('#search-input');
  const message = document.getElementById('search-message');
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const result = classifyQuery(input.value);
    if (result.error) {
      message.textContent = result.error;
      input.setAttribute('aria-invalid', 'true');
      input.focus();
      return;
    }
    message.textContent = '';
    input.removeAttribute('aria-invalid');
    if (location.hash === result.href) {
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } else {
      location.hash = result.href;
    }
  });
  input.addEventListener('input', () => {
    message.textContent = '';
    input.removeAttribute('aria-invalid');
  });
}
