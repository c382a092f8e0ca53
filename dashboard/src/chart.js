// Live line charts (uPlot) over a sliding window of points.
import uPlot from 'uplot';

const COLORS = ['#4fb3ff', '#4cc38a', '#e5b454', '#ef6461'];

/**
 * A line chart in `target` with an x axis `xLabel` and one line per name in `series`.
 * Returns `{ data, push(x, ...ys), destroy() }`; keeps the last `keep` points, and says how
 * many it shows in `target`'s `data-points`.
 */
export function lineChart(target, { title, xLabel, series, keep = 60, height = 220, xIsTime = false }) {
  const data = [[], ...series.map(() => [])];
  const width = () => Math.max(300, (target.clientWidth || 560) - 32);
  const plot = new uPlot({
    title,
    width: width(),
    height,
    scales: { x: { time: xIsTime } },
    axes: [
      // Block numbers: whole steps only.
      { label: xLabel, stroke: '#8a96a3', grid: { stroke: '#2a323c' }, incrs: xIsTime ? undefined : [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 10000] },
      { stroke: '#8a96a3', grid: { stroke: '#2a323c' } },
    ],
    series: [
      { label: xLabel },
      ...series.map((label, i) => ({ label, stroke: COLORS[i % COLORS.length], width: 2, points: { show: true, size: 4 } })),
    ],
  }, data, target);
  const resize = () => plot.setSize({ width: width(), height });
  window.addEventListener('resize', resize);
  const redraw = () => plot.setData(data);
  return {
    data,
    push(x, ...ys) {
      const at = data[0].indexOf(x);
      if (at >= 0) {
        ys.forEach((y, i) => { data[i + 1][at] = y; });
      } else {
        let i = data[0].length;
        while (i > 0 && data[0][i - 1] > x) i -= 1;
        data[0].splice(i, 0, x);
        ys.forEach((y, j) => data[j + 1].splice(i, 0, y));
      }
      while (data[0].length > keep) data.forEach((column) => column.shift());
      target.dataset.points = String(data[0].length);
      redraw();
    },
    destroy() {
      window.removeEventListener('resize', resize);
      plot.destroy();
    },
  };
}
