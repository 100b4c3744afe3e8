// Drop a file anywhere on the page: an overlay says what will happen, and the dropped file is
// looked up by its hash (files/look-up-file.js). A view's own drop target (the similar-images
// view) stops the event before it gets here.
import { lookUpFile } from '#explorer/files/look-up-file.js';

export function enableFileDrop() {
  const overlay = document.getElementById('drop-overlay');
  let depth = 0;
  const carriesFiles = (event) => [...(event.dataTransfer?.types ?? [])].includes('Files');
  const hide = () => {
    depth = 0;
    overlay.hidden = true;
  };

  window.addEventListener('dragenter', (event) => {
    if (!carriesFiles(event)) {
      return;
    }
    depth++;
    overlay.hidden = false;
  });
  window.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (depth === 0) {
      overlay.hidden = true;
    }
  });
  window.addEventListener('dragover', (event) => {
    if (carriesFiles(event)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  window.addEventListener('drop', (event) => {
    if (!carriesFiles(event)) {
      return;
    }
    event.preventDefault();
    hide();
    const file = event.dataTransfer.files[0];
    if (file) {
      lookUpFile(file);
    }
  });
  window.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      hide();
    }
  });
}
