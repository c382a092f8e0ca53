// Builds the dashboard into dist/, which hypermesh-node serves (--dashboard-dir).
// Relative asset paths, so the files work from any directory the node serves them at.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    target: 'es2022',
  },
});
