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
