// Review page: rotate and zoom uploaded images (no inline script: CSP).
document.addEventListener("click", (event) => {
  const button = event.target.closest(".bo-rotate, .bo-zoom");
  if (!button) return;
  // Every image of the file: a photo, or each page of a PDF rendered on the server.
  const images = button.closest(".bo-doc").querySelectorAll(".bo-zoomable");
  images.forEach((image) => {
    if (button.classList.contains("bo-rotate")) {
      const angle = (Number(image.dataset.rotate || 0) + 90) % 360;
      image.dataset.rotate = String(angle);
      image.classList.remove("bo-rot-0", "bo-rot-90", "bo-rot-180", "bo-rot-270");
      image.classList.add(`bo-rot-${angle}`);
    } else {
      image.classList.toggle("bo-zoomed");
    }
  });
});
// The tools only work from here on: shown now, so a click before this script ran is never lost.
document.querySelectorAll(".bo-tools [data-needs-script]").forEach((button) => { button.hidden = false; });

// Verdicts by keyboard: S = Sesuai and on to the next item, K = Kurang and to its reason,
// N/P = next/previous item. Typing in a field or list is never taken as a shortcut.
(() => {
  const items = () => Array.from(document.querySelectorAll(".bo-verdict"));
  const current = () => {
    const active = document.activeElement && document.activeElement.closest(".bo-verdict");
    if (active) return active;
    return items().find((el) => !el.querySelector("input[type=radio]:checked")) || items()[0];
  };
  const focusItem = (el) => {
    if (!el) {
      const approve = document.querySelector("[data-testid=approve]");
      if (approve) approve.focus();
      return;
    }
    el.scrollIntoView({ block: "nearest" });
    const radio = el.querySelector("input[type=radio]:checked") || el.querySelector("input[type=radio]");
    (radio || el).focus();
  };
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.matches && target.matches("input[type=text], textarea, select")) return;
    const key = event.key.toLowerCase();
    if (!["s", "k", "n", "p"].includes(key)) return;
    const list = items();
    if (!list.length) return;
    const item = current();
    const index = list.indexOf(item);
    event.preventDefault();
    if (key === "s" || key === "k") {
      const radio = item.querySelector(`input[type=radio][value=${key === "s" ? "ok" : "deficient"}]`);
      if (radio) radio.checked = true;
      if (key === "s") focusItem(list[index + 1]);
      else item.querySelector("select").focus();
    } else if (key === "n") {
      focusItem(list[index + 1] || list[index]);
    } else {
      focusItem(list[Math.max(0, index - 1)]);
    }
  });
  const first = items()[0];
  if (first && document.querySelector("[data-testid=approve]")) focusItem(first);
})();
