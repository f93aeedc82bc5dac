// Share a meeting: the device's own share sheet (Web Share API) where there is one, otherwise copy
// the link. No third-party buttons or requests. Without this script the button stays hidden.
(function () {
  "use strict";

  function say(status, message) {
    if (status) status.textContent = message;
  }

  function setUp(button) {
    const url = new URL(button.dataset.shareUrl, window.location.href).href;
    const title = button.dataset.shareTitle;
    const status = button.parentElement.querySelector("[data-share-status]");
    const canShare = typeof navigator.share === "function";
    const canCopy = navigator.clipboard && typeof navigator.clipboard.writeText === "function";
    if (!canShare && !canCopy) return;
    button.hidden = false;
    button.addEventListener("click", async function () {
      if (canShare) {
        try {
          await navigator.share({ title: title, url: url });
          return;
        } catch (error) {
          if (error && error.name === "AbortError") return; // the member closed the sheet
        }
      }
      if (canCopy) {
        try {
          await navigator.clipboard.writeText(url);
          say(status, button.dataset.copied);
          status.classList.remove("visually-hidden");
        } catch (error) {
          say(status, url);
          status.classList.remove("visually-hidden");
        }
      }
    });
  }

  document.querySelectorAll("[data-share-url]").forEach(setUp);
})();
