// "Copy verify link" buttons: put the link on the clipboard and say so.
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const done = (message) => {
    const label = button.innerHTML;
    button.textContent = message;
    setTimeout(() => { button.innerHTML = label; }, 2000);
  };
  navigator.clipboard.writeText(button.dataset.copy).then(
    () => done("Link copied"),
    () => done("Copy failed: select the link instead"),
  );
});
