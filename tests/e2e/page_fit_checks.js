// The checks of tests/e2e/test_pages_fit.py, run in each page: what does not fit a phone, as sentences.
() => {
  const problems = [];
  const vw = window.innerWidth;
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
    (el.dataset && el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '');
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && style.visibility !== 'hidden' && style.display !== 'none';
  };
  const width = document.documentElement.scrollWidth;
  if (width > vw) {
    const wide = [...document.querySelectorAll('body *')].filter((el) => {
      const r = el.getBoundingClientRect();
      return visible(el) && r.right > vw + 1 && !(el.parentElement && el.parentElement.getBoundingClientRect().right > vw + 1);
    });
    problems.push(`the page is ${width}px wide at ${vw}px: ` + wide.slice(0, 4).map(describe).join(', '));
  }
  const content = document.querySelector('.app-content, .public-main') || document.body;
  const buttons = [...content.querySelectorAll('a.button, button, input[type=submit], input[type=button]')].filter(visible);
  const rects = buttons.map((el) => el.getBoundingClientRect());
  const seen = new Set();
  for (let i = 0; i < buttons.length; i++) {
    for (let j = i + 1; j < buttons.length; j++) {
      const a = rects[i], b = rects[j];
      const overlap = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      const gap = Math.max(a.left, b.left) - Math.min(a.right, b.right);
      const oneRow = overlap > Math.min(a.height, b.height) / 2 && gap >= -1 && gap < 40;
      if (oneRow && Math.abs(a.height - b.height) > 1) {
        const key = describe(buttons[i]) + '|' + describe(buttons[j]);
        if (!seen.has(key)) {
          seen.add(key);
          problems.push(`buttons in one row differ in height: ${describe(buttons[i])} "${buttons[i].textContent.trim().slice(0, 20)}" ` +
            `${Math.round(a.height)}px, ${describe(buttons[j])} "${buttons[j].textContent.trim().slice(0, 20)}" ${Math.round(b.height)}px`);
        }
      }
    }
  }
  for (const text of document.querySelectorAll('svg text')) {
    if (!visible(text)) continue;
    const matrix = text.getScreenCTM();
    const size = parseFloat(getComputedStyle(text).fontSize) * (matrix ? Math.hypot(matrix.a, matrix.b) : 1);
    if (size < 11.95) {
      problems.push(`a chart label is ${size.toFixed(1)}px: "${text.textContent.trim().slice(0, 20)}"`);
      break;
    }
  }
  return problems;
}
