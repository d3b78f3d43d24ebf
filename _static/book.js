// The book's own script (Jupyter Book links every .js file in _static; the layout defers it).
//
// sphinx-book-theme shows its sidebar buttons (the menu and the page contents) in the article
// header, but pydata-sphinx-theme's script listens only to the first .primary-toggle and
// .secondary-toggle of a page, which sit in the site header that sphinx-book-theme hides. So the
// visible buttons did nothing, and on a phone the book's navigation could not be opened. Each
// other button now hands its click to the first one, which opens the drawer (phone) or folds the
// sidebar (desktop) as the theme intends.
document.addEventListener("DOMContentLoaded", () => {
  for (const selector of [".primary-toggle", ".secondary-toggle"]) {
    const [first, ...others] = document.querySelectorAll(selector);
    for (const button of others) {
      button.addEventListener("click", (event) => {
        event.preventDefault();
        event.stopPropagation();
        first.click();
      });
    }
  }
});
