// Fields that save themselves (steps 1-3 and 6): an input carrying data-autosave and
// hx-trigger="save" gets a "save" event when the person is done with it, never by accident:
//   - a text field: when it is left with a changed value, or on Enter (a single-line field
//     saves only itself; the form is not sent);
//   - a drop-down: a choice made with the mouse at once; one made with the arrow keys only on
//     Enter or when the drop-down is left (an arrow key alone changes nothing for the room);
//   - a check box: when ticked.
// What the server rendered is the field's default value (defaultValue, defaultSelected,
// defaultChecked): a field differing from it is "being edited", and the live poll leaves it
// alone (the `editing` parameters). Tabbing into a field never selects its whole text.
"use strict";

(() => {
  const TEXT = "input:not([type=checkbox]):not([type=radio]):not([type=hidden]), textarea";

  const isDirty = (el) => {
    if (el.type === "checkbox") {
      return el.checked !== el.defaultChecked;
    }
    if (el.tagName === "SELECT") {
      return Array.from(el.options).some((option) => option.selected !== option.defaultSelected);
    }
    return el.value !== el.defaultValue;
  };

  const markSaved = (el) => {
    if (el.type === "checkbox") {
      el.defaultChecked = el.checked;
    } else if (el.tagName === "SELECT") {
      Array.from(el.options).forEach((option) => {
        option.defaultSelected = option.selected;
      });
    } else {
      el.defaultValue = el.value;
    }
  };

  const save = (el) => {
    if (el.hasAttribute("data-autosave") && isDirty(el) && window.htmx) {
      window.htmx.trigger(el, "save");
    }
  };

  // Whether the person is editing a field: changed and not saved, or waiting for their
  // decision on a conflict (a field merely focused takes a teammate's value; the swap keeps
  // the focus and the caret).
  window.icpIsEditing = (container) =>
    container.classList.contains("is-conflict") ||
    Array.from(container.querySelectorAll("input, select, textarea")).some(
      (el) => el.type !== "hidden" && isDirty(el),
    );
  window.icpEditingFields = () =>
    Array.from(document.querySelectorAll("[data-field]"))
      .filter((container) => window.icpIsEditing(container))
      .map((container) => container.dataset.field);

  const KEYS_THAT_PICK = new Set([
    "ArrowUp", "ArrowDown", "ArrowLeft", "ArrowRight", "Home", "End", "PageUp", "PageDown",
  ]);

  document.addEventListener("keydown", (event) => {
    const el = event.target;
    if (event.key === "Enter" && el.dataset && el.dataset.enter) {
      const button = document.querySelector(el.dataset.enter);
      if (button) {
        event.preventDefault(); // Enter in an "add" row adds it, and nothing else
        button.click();
      }
      return;
    }
    if (!el.hasAttribute || !el.hasAttribute("data-autosave")) {
      return;
    }
    if (el.tagName === "SELECT") {
      if (KEYS_THAT_PICK.has(event.key) || event.key.length === 1) {
        el.icpKeyed = true;
      } else if (event.key === "Enter") {
        event.preventDefault();
        save(el);
      }
      return;
    }
    if (event.key === "Enter" && el.tagName === "INPUT" && el.type !== "checkbox") {
      event.preventDefault(); // saves this field only, not the whole form
      save(el);
    } else if (event.key === "Enter" && el.tagName === "TEXTAREA" && event.ctrlKey) {
      event.preventDefault();
      save(el);
    }
  });

  document.addEventListener("pointerdown", (event) => {
    if (event.target.closest) {
      const select = event.target.closest("select[data-autosave]");
      if (select) {
        select.icpKeyed = false;
      }
    }
  });

  document.addEventListener("change", (event) => {
    const el = event.target;
    if (!el.hasAttribute || !el.hasAttribute("data-autosave")) {
      return;
    }
    if (el.tagName === "SELECT" && el.icpKeyed) {
      return; // picked with the keyboard: saved on Enter or when left
    }
    save(el);
  });

  document.addEventListener("focusout", (event) => {
    const el = event.target;
    if (el.tagName === "SELECT" && el.hasAttribute("data-autosave")) {
      el.icpKeyed = false;
      save(el);
    }
  });

  // Tabbing into a field selects its whole text in most browsers: one stray key would replace
  // it. Put the caret at the end instead (only after Tab: a click or a script leaves it be).
  // Done at once and again before the first key typed, which browsers may handle first.
  let tabbing = false;
  const toEnd = (el) => {
    const length = el.value.length;
    if (length && el.selectionStart === 0 && el.selectionEnd === length) {
      try {
        el.setSelectionRange(length, length);
      } catch (err) {
        // Not every input type has a selection.
      }
    }
  };
  document.addEventListener(
    "keydown",
    (event) => {
      const el = event.target;
      if (event.key === "Tab") {
        tabbing = true;
        window.setTimeout(() => {
          tabbing = false;
        }, 0);
      } else if (el.icpTabbedIn) {
        el.icpTabbedIn = false;
        if (event.key.length === 1 && !event.ctrlKey && !event.metaKey) {
          toEnd(el);
        }
      }
    },
    true,
  );
  document.addEventListener("focusin", (event) => {
    const el = event.target;
    if (!tabbing || !el.matches || !el.matches(TEXT) || !el.closest("[data-field], .cell-editor")) {
      return;
    }
    el.icpTabbedIn = true;
    toEnd(el);
    window.setTimeout(() => toEnd(el), 0);
  });
  document.addEventListener("pointerdown", (event) => {
    if (event.target.icpTabbedIn) {
      event.target.icpTabbedIn = false;
    }
  });

  // A field's save answered: what was sent is now the saved value, unless refused.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const el = event.detail.elt;
    if (el.hasAttribute && el.hasAttribute("data-autosave")) {
      el.icpSent = el.type === "checkbox" ? el.checked : el.value;
    }
  });
  document.addEventListener("htmx:afterRequest", (event) => {
    const el = event.detail.elt;
    const xhr = event.detail.xhr;
    if (!el.hasAttribute || !el.hasAttribute("data-autosave") || !xhr) {
      return;
    }
    const trigger = xhr.getResponseHeader("HX-Trigger") || "";
    const refused = trigger.includes("conflict") || trigger.includes("invalid");
    const announcer = document.getElementById("announcer");
    if (event.detail.successful && !refused) {
      const now = el.type === "checkbox" ? el.checked : el.value;
      if (document.body.contains(el) && now === el.icpSent) {
        markSaved(el);
      }
      if (announcer && window.icpAnnounce) {
        window.icpAnnounce(announcer.dataset.saved);
      }
    } else if (trigger.includes("conflict") && announcer && window.icpAnnounce) {
      window.icpAnnounce(announcer.dataset.conflict);
    }
  });
})();
