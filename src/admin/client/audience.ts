// Page behaviours of the admin audience pages (see src/admin/audience).
// <select data-autosubmit> in a filter form: choosing an option applies the filter at once
// (the form's own Filter button does the same without script).
document.addEventListener('change', (event) => {
  const el = event.target as HTMLElement;
  if (el instanceof HTMLSelectElement && el.dataset.autosubmit !== undefined && el.form) el.form.requestSubmit();
});
