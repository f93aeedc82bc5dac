// The meeting editor: the agenda is put in order by dragging or with up/down buttons (the hidden
// position fields follow the order on the page), each item's start time is computed from the
// meeting's start and the durations before it (shown as a placeholder; a typed time wins), and the
// meeting's end follows its start, keeping the length it had.
"use strict";
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }

  function parseTime(text) {
    const match = /^\s*(\d{1,2}):(\d{2})/.exec(text || "");
    return match ? Number(match[1]) * 60 + Number(match[2]) : null;
  }

  function formatTime(minutes) {
    minutes = ((minutes % 1440) + 1440) % 1440;
    return pad(Math.floor(minutes / 60)) + ":" + pad(minutes % 60);
  }

  function field(name) { return document.getElementById("id_" + name); }

  function agendaRows(group) {
    return Array.from(group.querySelectorAll(".inline-related")).filter(
      (row) => !row.classList.contains("empty-form") && !row.id.endsWith("-empty")
    );
  }

  function rowInput(row, suffix) {
    return row.querySelector("input[name$='-" + suffix + "'], select[name$='-" + suffix + "']");
  }

  function renumber(group) {
    agendaRows(group).forEach((row, index) => {
      const position = rowInput(row, "position");
      if (position) { position.value = String(index + 1); }
    });
    computeStartTimes(group);
  }

  function computeStartTimes(group) {
    let clock = parseTime(field("starts_at_1") && field("starts_at_1").value);
    agendaRows(group).forEach((row) => {
      const start = rowInput(row, "starts_at");
      const duration = rowInput(row, "duration_minutes");
      if (!start) { return; }
      const typed = parseTime(start.value);
      if (typed !== null) { clock = typed; }
      start.placeholder = clock === null ? "" : formatTime(clock);
      if (clock !== null && duration && Number(duration.value) > 0) { clock += Number(duration.value); }
    });
  }

  function move(group, row, step) {
    const rows = agendaRows(group);
    const target = rows[rows.indexOf(row) + step];
    if (!target) { return; }
    if (step < 0) { target.before(row); } else { target.after(row); }
    renumber(group);
    row.querySelector(".agenda-move[data-step='" + step + "']").focus();
  }

  function addControls(group, row) {
    if (row.querySelector(".agenda-controls")) { return; }
    const title = row.querySelector("h3") || row;
    const controls = document.createElement("span");
    controls.className = "agenda-controls";
    [[-1, "Move up", "↑"], [1, "Move down", "↓"]].forEach(([step, label, arrow]) => {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button agenda-move";
      button.dataset.step = String(step);
      button.textContent = arrow;
      // The page carries the translated labels (#agenda-labels); English if it does not.
      const labels = document.getElementById("agenda-labels");
      button.setAttribute("aria-label", (labels && labels.dataset[step < 0 ? "up" : "down"]) || label);
      button.addEventListener("click", () => move(group, row, step));
      controls.append(" ", button);
    });
    title.append(controls);
    row.draggable = true;
    row.addEventListener("dragstart", (event) => {
      group.dragged = row;
      event.dataTransfer.effectAllowed = "move";
    });
    row.addEventListener("dragover", (event) => { event.preventDefault(); });
    row.addEventListener("drop", (event) => {
      event.preventDefault();
      const dragged = group.dragged;
      if (!dragged || dragged === row) { return; }
      const rows = agendaRows(group);
      if (rows.indexOf(dragged) < rows.indexOf(row)) { row.after(dragged); } else { row.before(dragged); }
      renumber(group);
    });
  }

  function followStart() {
    const startDate = field("starts_at_0"), startTime = field("starts_at_1");
    const endDate = field("ends_at_0"), endTime = field("ends_at_1");
    if (!startDate || !startTime || !endDate || !endTime) { return; }
    let length = null;
    const remember = () => {
      const start = parseTime(startTime.value), end = parseTime(endTime.value);
      if (start !== null && end !== null && end > start) { length = end - start; }
    };
    remember();
    endTime.addEventListener("change", remember);
    const follow = () => {
      const start = parseTime(startTime.value);
      if (start === null) { return; }
      endDate.value = startDate.value;
      endTime.value = formatTime(start + (length || 120));
    };
    startDate.addEventListener("change", follow);
    startTime.addEventListener("change", follow);
  }

  // Select2 (the topics picker) draws a search box without a label; name it after its select's label.
  function labelSelect2Search() {
    document.querySelectorAll(".select2-search__field:not([aria-label])").forEach((input) => {
      const container = input.closest(".select2-container");
      const select = container && container.previousElementSibling;
      const label = select && select.id && document.querySelector("label[for='" + select.id + "']");
      input.setAttribute("aria-label", label ? label.textContent.replace(/:\s*$/, "").trim() : "Search");
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    labelSelect2Search();
    new MutationObserver(labelSelect2Search).observe(document.body, { childList: true, subtree: true });
    followStart();
    const group = document.querySelector(".agenda-inline") && document.querySelector(".agenda-inline").closest(".inline-group");
    if (!group) { return; }
    agendaRows(group).forEach((row) => addControls(group, row));
    renumber(group);
    group.addEventListener("input", () => computeStartTimes(group));
    document.addEventListener("formset:added", () => {
      agendaRows(group).forEach((row) => addControls(group, row));
      renumber(group);
    });
    const startTime = field("starts_at_1");
    if (startTime) { startTime.addEventListener("change", () => computeStartTimes(group)); }
    // Only filled rows keep a position: a blank extra form must not look changed.
    const form = group.closest("form");
    if (form) {
      form.addEventListener("submit", () => {
        renumber(group);
        agendaRows(group).forEach((row) => {
          const title = rowInput(row, "title");
          const position = rowInput(row, "position");
          if (position && title && !title.value.trim() && !row.querySelector("input[name$='-id']")?.value) {
            position.value = position.defaultValue;
          }
        });
      });
    }
  });
})();
