// The company and buyer tables as a keyboard grid (the ARIA grid pattern), for table[data-grid]:
//   - the table is one Tab stop; arrow keys move between cells, Home/End to the row's ends,
//     Ctrl+Home/End to the first and last cell;
//   - Enter or F2 edits the cell, typing a character starts editing with it; in the editor
//     Enter saves, Escape cancels (focus comes back to the cell either way and the change is
//     announced), Tab / Shift+Tab save and go to the next / previous cell; leaving the cell
//     saves a changed value; a drop-down saves on Enter or when left, never on an arrow key;
//   - a block copied from a spreadsheet (tab-separated) is pasted from the focused cell on.
// Without JavaScript every cell is a link to its editor and saves with a button.
"use strict";

(() => {
  const gridOf = (el) => (el && el.closest ? el.closest("table[data-grid]") : null);
  const dataRows = (table) => Array.from(table.tBodies[0].rows).filter((tr) => tr.dataset.row);
  const rowCells = (tr) => Array.from(tr.querySelectorAll("td[role=gridcell]"));
  const allCells = (table) => dataRows(table).flatMap(rowCells);
  const cellByKey = (key) => document.querySelector(`td[role=gridcell][data-key="${key}"]`);
  const target = (td) => td.querySelector(".cell-link") || td;
  const editorField = (td) =>
    td.querySelector(".cell-editor input:not([type=hidden]), .cell-editor select");
  const announcer = () => document.getElementById("announcer");
  const say = (name) => {
    const region = announcer();
    if (name && region && window.icpAnnounce) {
      window.icpAnnounce(region.dataset[name]);
    }
  };

  let active = null; // the cell holding the table's one Tab stop
  let pendingEdit = null; // {key, typed}: an editor asked for, and what was typed meanwhile
  let pendingFocus = null; // {key, move, said}: where focus goes when a cell comes back

  const position = (td) => {
    const tr = td.parentElement;
    return [dataRows(td.closest("table")).indexOf(tr), rowCells(tr).indexOf(td)];
  };
  const cellAt = (table, r, c) => {
    const tr = dataRows(table)[r];
    return tr ? rowCells(tr)[c] || null : null;
  };

  const rove = (table) => {
    const cells = allCells(table);
    if (!cells.length) {
      return;
    }
    const current = cells.find((td) => td.dataset.key === active) || cells[0];
    cells.forEach((td) => {
      if (td.classList.contains("is-editing")) {
        td.removeAttribute("tabindex");
        return;
      }
      const focusable = target(td);
      focusable.setAttribute("tabindex", td === current ? "0" : "-1");
      if (focusable !== td) {
        td.removeAttribute("tabindex");
      }
    });
  };

  const focusCell = (td) => {
    if (!td) {
      return;
    }
    active = td.dataset.key;
    rove(td.closest("table"));
    const field = td.classList.contains("is-editing") ? editorField(td) : null;
    const focusable = field || td.querySelector(".cell-conflict ~ button") || target(td);
    focusable.focus();
    if (focusable.scrollIntoView) {
      focusable.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  };

  const neighbour = (td, rows, cols) => {
    const table = td.closest("table");
    const [r, c] = position(td);
    const width = rowCells(td.parentElement).length;
    let row = r + rows;
    let col = c + cols;
    if (col >= width && cols > 0 && rows === 0) {
      row += 1; // Tab at the end of a row goes on to the next row, as in a spreadsheet
      col = 0;
    } else if (col < 0 && cols < 0 && rows === 0) {
      row -= 1;
      col = width - 1;
    }
    return cellAt(table, row, col) || td;
  };

  const openEditor = (td, typed) => {
    const link = td.querySelector(".cell-link");
    if (!link) {
      return;
    }
    pendingEdit = { key: td.dataset.key, typed };
    link.click(); // htmx fetches the editor into the cell
  };

  const closeEditor = (td, move) => {
    const cancel = td.querySelector(".cell-editor .cell-cancel");
    if (cancel) {
      pendingFocus = { key: td.dataset.key, move, said: "cancelled" };
      cancel.click();
    }
  };

  const isDirty = (td) =>
    Array.from(td.querySelectorAll(".cell-editor input, .cell-editor select")).some((el) => {
      if (el.type === "hidden") {
        return false;
      }
      if (el.type === "checkbox") {
        return el.checked !== el.defaultChecked;
      }
      if (el.tagName === "SELECT") {
        return Array.from(el.options).some((o) => o.selected !== o.defaultSelected);
      }
      return el.value !== el.defaultValue;
    });

  const submitEditor = (td, move) => {
    const form = td.querySelector(".cell-editor");
    if (form) {
      pendingFocus = { key: td.dataset.key, move, said: "saved" };
      form.requestSubmit();
    }
  };

  const MOVES = {
    ArrowUp: [-1, 0],
    ArrowDown: [1, 0],
    ArrowLeft: [0, -1],
    ArrowRight: [0, 1],
  };

  document.addEventListener("keydown", (event) => {
    const table = gridOf(event.target);
    if (!table) {
      return;
    }
    const td = event.target.closest("td[role=gridcell]");
    if (!td) {
      return;
    }
    const editing = td.classList.contains("is-editing");
    if (!editing) {
      navigate(event, table, td);
    } else {
      edit(event, td);
    }
  });

  const navigate = (event, table, td) => {
    const key = event.key;
    if (pendingEdit && pendingEdit.key === td.dataset.key) {
      // The editor is on its way: keep what is typed, and Enter or Escape, for when it comes.
      if (key.length === 1) {
        event.preventDefault();
        pendingEdit.typed = (pendingEdit.typed || "") + key;
      } else if (key === "Enter" || key === "Escape" || key === "Tab") {
        event.preventDefault();
        pendingEdit.then = { key, shift: event.shiftKey };
      }
      return;
    }
    if (MOVES[key]) {
      event.preventDefault();
      focusCell(neighbour(td, ...MOVES[key]));
    } else if (key === "Home" || key === "End") {
      event.preventDefault();
      if (event.ctrlKey) {
        const cells = allCells(table);
        focusCell(key === "Home" ? cells[0] : cells[cells.length - 1]);
      } else {
        const cells = rowCells(td.parentElement);
        focusCell(key === "Home" ? cells[0] : cells[cells.length - 1]);
      }
    } else if (table.hasAttribute("data-readonly")) {
      return;
    } else if (key === "Enter" || key === "F2") {
      event.preventDefault();
      openEditor(td, null);
    } else if (key.length === 1 && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      openEditor(td, key);
    }
  };

  const edit = (event, td) => {
    const el = event.target;
    const single = el.matches("input:not([type=checkbox]):not([type=hidden]), select");
    if (td.classList.contains("is-conflict")) {
      if (event.key === "Escape") {
        event.preventDefault();
        closeEditor(td, 0); // Escape takes theirs: nothing of theirs is lost
      }
      return;
    }
    if (event.key === "Escape") {
      event.preventDefault();
      closeEditor(td, 0);
    } else if (event.key === "Enter" && !el.matches("a, button")) {
      event.preventDefault();
      submitEditor(td, 0);
    } else if (event.key === "Tab" && single) {
      event.preventDefault();
      const move = event.shiftKey ? -1 : 1;
      if (isDirty(td)) {
        submitEditor(td, move);
      } else {
        closeEditor(td, move);
      }
    }
  };

  // Leaving an open cell saves a changed value (a conflict waits for its decision).
  document.addEventListener("focusout", (event) => {
    const td = event.target.closest ? event.target.closest("td.is-editing") : null;
    if (!td || !gridOf(td) || td.classList.contains("is-conflict")) {
      return;
    }
    window.setTimeout(() => {
      if (td.contains(document.activeElement) || !document.body.contains(td)) {
        return;
      }
      if (pendingFocus && pendingFocus.key === td.dataset.key) {
        return; // already being saved or closed by a key
      }
      if (isDirty(td)) {
        const form = td.querySelector(".cell-editor");
        if (form) {
          form.requestSubmit();
        }
      }
    }, 0);
  });

  document.addEventListener("focusin", (event) => {
    const td = event.target.closest ? event.target.closest("td[role=gridcell]") : null;
    if (td && gridOf(td)) {
      active = td.dataset.key;
    }
  });

  // A cell came back from the server: an editor to fill in, or focus to put back.
  document.addEventListener("htmx:afterSettle", (event) => {
    document.querySelectorAll("table[data-grid]").forEach(rove);
    if (pendingEdit) {
      const td = cellByKey(pendingEdit.key);
      if (td && td.classList.contains("is-editing")) {
        const field = editorField(td);
        const typed = pendingEdit.typed;
        const then = pendingEdit.then;
        pendingEdit = null;
        if (field) {
          field.focus();
          if (typed && field.tagName === "SELECT") {
            const wanted = typed.toLowerCase();
            const option = Array.from(field.options).find((o) =>
              o.text.toLowerCase().startsWith(wanted),
            );
            if (option) {
              option.selected = true;
            }
          } else if (typed && field.type !== "checkbox") {
            field.value = typed;
          }
          if (field.setSelectionRange && field.type !== "checkbox") {
            const end = field.value.length;
            field.setSelectionRange(end, end);
          }
        }
        if (then && then.key === "Escape") {
          closeEditor(td, 0);
        } else if (then && then.key === "Enter") {
          submitEditor(td, 0);
        } else if (then) {
          const move = then.shift ? -1 : 1;
          if (isDirty(td)) {
            submitEditor(td, move);
          } else {
            closeEditor(td, move);
          }
        }
      }
    }
    if (pendingFocus) {
      const td = cellByKey(pendingFocus.key);
      if (td && !td.querySelector(".htmx-request") && event.detail.xhr) {
        const trigger = event.detail.xhr.getResponseHeader("HX-Trigger") || "";
        const wanted = pendingFocus;
        pendingFocus = null;
        if (trigger.includes("cell-conflict")) {
          say("conflict");
          focusCell(td);
        } else if (trigger.includes("cell-invalid")) {
          focusCell(td); // the error is announced by its alert
        } else {
          say(wanted.said);
          focusCell(wanted.move ? neighbour(td, 0, wanted.move) : td);
        }
      }
    }
  });

  // ------------------------------------------------------------------ pasting a block

  const parseBlock = (text) => {
    const rows = [];
    let row = [];
    let cell = "";
    let quoted = false;
    for (let i = 0; i < text.length; i += 1) {
      const ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') {
          cell += '"';
          i += 1;
        } else if (ch === '"') {
          quoted = false;
        } else {
          cell += ch;
        }
      } else if (ch === '"' && cell === "") {
        quoted = true;
      } else if (ch === "\t") {
        row.push(cell);
        cell = "";
      } else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text[i + 1] === "\n") {
          i += 1;
        }
        row.push(cell);
        rows.push(row);
        row = [];
        cell = "";
      } else {
        cell += ch;
      }
    }
    if (cell !== "" || row.length) {
      row.push(cell);
      rows.push(row);
    }
    return rows;
  };

  document.addEventListener("paste", (event) => {
    const table = gridOf(event.target);
    const td = event.target.closest ? event.target.closest("td[role=gridcell]") : null;
    if (!table || !td || !table.dataset.pasteUrl || !event.clipboardData) {
      return;
    }
    const text = event.clipboardData.getData("text/plain");
    const block = /[\t\n\r]/.test(text.replace(/[\r\n]+$/, ""));
    if (td.classList.contains("is-editing") && !block) {
      return; // one value into the open editor: the browser pastes it
    }
    event.preventDefault();
    const [r0, c0] = position(td);
    const values = { row: [], column: [], text: [], version: [] };
    parseBlock(text).forEach((cells, i) => {
      cells.forEach((value, j) => {
        const cell = cellAt(table, r0 + i, c0 + j);
        if (!cell) {
          return;
        }
        const [row, column] = cell.dataset.key.split(":");
        values.row.push(row);
        values.column.push(column);
        values.text.push(value);
        values.version.push(cell.dataset.version || "0");
      });
    });
    if (!values.row.length || !window.htmx) {
      return;
    }
    pendingFocus = { key: td.dataset.key, move: 0, said: "" }; // the status line says it
    window.htmx.ajax("POST", table.dataset.pasteUrl, { source: table, values, swap: "none" });
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const status = document.getElementById("grid-status");
    if (event.detail.elt.matches && event.detail.elt.matches("table[data-grid]") && status) {
      const region = announcer();
      if (region && window.icpAnnounce) {
        window.icpAnnounce(status.textContent);
      }
    }
  });

  const start = () => document.querySelectorAll("table[data-grid]").forEach(rove);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
