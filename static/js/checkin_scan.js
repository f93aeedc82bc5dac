// Door check-in: read a member's QR ticket with the phone's camera and open its check-in page.
// Only where the browser has BarcodeDetector with QR support; elsewhere the button stays hidden
// and the volunteer searches by name, as without this script.
(function () {
  "use strict";

  const button = document.querySelector("[data-checkin-scan]");
  const dialog = document.querySelector("[data-checkin-scanner]");
  if (!button || !dialog || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;

  const video = dialog.querySelector("video");
  const status = dialog.querySelector("[data-scanner-status]");
  let stream = null;
  let timer = null;

  // A ticket opens /checkin/<meeting>/r/<token>/ (or /fr/checkin/...) on this site.
  function ticketPath(text) {
    let url;
    try {
      url = new URL(text, window.location.href);
    } catch (error) {
      return null;
    }
    const ticket = dialog.dataset.meetingPath.replace(/^\/fr\//, "/") + "r/";
    const path = url.pathname.replace(/^\/fr\//, "/");
    return path.startsWith(ticket) ? url.pathname : null;
  }

  function stop() {
    if (timer) window.clearInterval(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    if (dialog.open) dialog.close();
  }

  async function start() {
    const formats = await window.BarcodeDetector.getSupportedFormats();
    if (!formats.includes("qr_code")) return;
    button.hidden = false;
    const detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    button.addEventListener("click", async function () {
      dialog.showModal();
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      } catch (error) {
        status.textContent = dialog.dataset.noCamera;
        return;
      }
      video.srcObject = stream;
      await video.play();
      timer = window.setInterval(async function () {
        let codes = [];
        try {
          codes = await detector.detect(video);
        } catch (error) {
          return;
        }
        for (const code of codes) {
          const path = ticketPath(code.rawValue);
          if (path) {
            stop();
            window.location.assign(path);
            return;
          }
          status.textContent = dialog.dataset.wrongCode;
        }
      }, 250);
    });
    dialog.querySelector("[data-scanner-close]").addEventListener("click", stop);
    dialog.addEventListener("close", stop);
  }

  start().catch(function () {
    button.hidden = true;
  });
})();
