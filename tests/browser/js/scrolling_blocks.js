// Every code block, output, table and display formula of the article, as the theme and the
// book make them tab stops: whether it is wider than its box (it scrolls sideways) and whether
// it is a tab stop; and whether the page says its tab stops were measured (window.nnLaidOut).
() => ({
  measured: Boolean(window.nnLaidOut),
  blocks: Array.from(document.querySelectorAll(
    '.bd-article pre, .bd-article .cell_output > .output, .bd-article .pst-scrollable-table-container, .bd-article div.math'
  )).map((el) => ({
    kind: el.matches('div.math') ? 'formula' : el.tagName.toLowerCase(),
    scrolls: el.scrollWidth > el.clientWidth,
    tabStop: el.tabIndex === 0,
    text: el.textContent.trim().replace(/\s+/g, ' ').slice(0, 50),
  })),
})
