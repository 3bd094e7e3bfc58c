// Drag and drop onto the upload form; without JavaScript the plain file input works alone.
"use strict";

(() => {
  const form = document.querySelector("form.upload-form");
  if (!form) {
    return;
  }
  const zone = form.querySelector(".drop-zone");
  const input = form.querySelector("input[type=file]");
  const label = form.querySelector(".drop-file-name");
  const maxBytes = Number(form.dataset.maxBytes || 0);

  const show = () => {
    const file = input.files && input.files[0];
    if (!file) {
      label.textContent = "";
      input.setCustomValidity("");
      return;
    }
    label.textContent = file.name;
    // The server checks the size too; this only saves uploading a file it would refuse.
    input.setCustomValidity(maxBytes && file.size > maxBytes ? form.dataset.tooLarge : "");
    input.reportValidity();
  };

  zone.classList.add("is-droppable");
  input.addEventListener("change", show);
  ["dragenter", "dragover"].forEach((name) =>
    zone.addEventListener(name, (event) => {
      event.preventDefault();
      zone.classList.add("is-over");
    }),
  );
  ["dragleave", "drop"].forEach((name) =>
    zone.addEventListener(name, () => zone.classList.remove("is-over")),
  );
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      show();
    }
  });
})();
