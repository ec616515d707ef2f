// <form data-confirm="Delete this list?">: asks before the form is sent (deleting, sending).
document.addEventListener('submit', (event) => {
  const form = event.target as HTMLFormElement;
  const submitter = event.submitter;
  const message = submitter?.dataset.confirm ?? form.dataset.confirm;
  if (message && !window.confirm(message)) event.preventDefault();
});
