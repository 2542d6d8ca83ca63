/** A drop target for files: the props of its element, and the "dragging" look while files hover. */
import { type DragEvent, useState } from 'react';

export function useDropzone(onFiles: (files: FileList) => void) {
  const [dragging, setDragging] = useState(false);
  return {
    className: dragging ? 'dropzone dragging' : 'dropzone',
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setDragging(true);
    },
    onDragLeave: () => setDragging(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setDragging(false);
      onFiles(e.dataTransfer.files);
    },
  };
}
