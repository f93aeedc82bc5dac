// Door check-in: send taps in the background, keep the totals live, filter the list while typing.
// Without this script every form still posts and the page reloads with the same result.
(function () {
  "use strict";

  const totalsBox = document.querySelector("[data-checkin-totals]");

  function showTotals(totals) {
    if (!totalsBox || !totals) return;
    for (const [key, value] of Object.entries(totals)) {
      const cell = totalsBox.querySelector('[data-total="' + key + '"]');
      if (cell) cell.textContent = value;
    }
  }

  function announce(message, ok) {
    let box = document.getElementById("checkin-status");
    if (!box) {
      box = document.createElement("div");
      box.id = "checkin-status";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      document.querySelector(".checkin").prepend(box);
    }
    box.className = "checkin-status alert " + (ok ? "alert-success" : "alert-danger");
    box.textContent = message;
  }

  async function submit(form) {
    // getAttribute: a field named "action" (the toggle's) hides the form's action property.
    const response = await fetch(form.getAttribute("action"), {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
      credentials: "same-origin",
    });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      body = null;
    }
    if (!body) {
      // Not JSON (a login page, a server error): let the browser show it.
      form.submit();
      return;
    }
    announce(body.message, body.ok);
    showTotals(body.totals);
    if (body.ok && form.hasAttribute("data-reload")) {
      window.location.reload();
      return;
    }
    if (body.ok && body.rsvp) {
      // The server rendered both states; reload just this row's markup from the page.
      const row = document.querySelector('[data-rsvp="' + body.rsvp.id + '"]');
      if (row) {
        const page = await fetch(window.location.href, { credentials: "same-origin" });
        const doc = new DOMParser().parseFromString(await page.text(), "text/html");
        const fresh = doc.querySelector('[data-rsvp="' + body.rsvp.id + '"]');
        if (fresh) {
          row.replaceWith(fresh);
          bind(fresh);
          const button = fresh.querySelector("button");
          if (button) button.focus();
        }
      }
    }
    if (body.ok && body.totals) {
      document.querySelectorAll('input[name="delta"][value="-1"]').forEach(function (input) {
        input.form.querySelector("button").disabled = body.totals.guests < 1;
      });
    }
  }

  function bind(root) {
    root.querySelectorAll("form[data-checkin-form]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        const button = form.querySelector("button");
        if (button) button.disabled = true;
        submit(form)
          .catch(function () {
            form.submit();
          })
          .finally(function () {
            if (button && document.body.contains(button)) button.disabled = false;
          });
      });
    });
  }

  bind(document);

  const filter = document.querySelector("[data-checkin-filter]");
  if (filter) {
    filter.addEventListener("input", function () {
      const words = filter.value.trim().toLowerCase();
      let shown = 0;
      document.querySelectorAll("#checkin-list [data-name]").forEach(function (row) {
        const hide = words !== "" && !row.dataset.name.includes(words);
        row.classList.toggle("d-none", hide);
        if (!hide) shown += 1;
      });
      // Say so when the typing hides everyone, rather than leave an empty list.
      const empty = document.getElementById("checkin-filter-empty");
      if (empty) empty.hidden = shown > 0;
    });
  }

  if (totalsBox) {
    // Several volunteers may work the same door: refresh the totals now and then.
    window.setInterval(async function () {
      if (document.hidden) return;
      try {
        const response = await fetch(totalsBox.dataset.checkinTotals, { credentials: "same-origin" });
        if (response.ok) showTotals((await response.json()).totals);
      } catch (error) {
        // Offline for a moment: the next tick tries again.
      }
    }, 15000);
  }
})();
