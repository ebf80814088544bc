// A dependency-free horizontal bar chart as SVG (GitHub renders it inline in the README).

const escape = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/`/g, '');

/** Bars of `rows[].median`, labelled by `rows[].name`. */
export function barChartSvg(rows, title) {
  const width = 900;
  const barHeight = 26;
  const labelWidth = 360;
  const top = 40;
  const max = Math.max(...rows.map((r) => r.median), 1);
  const height = top + rows.length * (barHeight + 8) + 20;
  const bars = rows
    .map((r, i) => {
      const y = top + i * (barHeight + 8);
      const w = Math.max(2, ((width - labelWidth - 90) * r.median) / max);
      return [
        `<text x="${labelWidth - 8}" y="${y + 18}" text-anchor="end" font-size="13">${escape(r.name)}</text>`,
        `<rect x="${labelWidth}" y="${y}" width="${w.toFixed(1)}" height="${barHeight}" fill="#d97757"/>`,
        `<text x="${(labelWidth + w + 6).toFixed(1)}" y="${y + 18}" font-size="13">${r.median.toFixed(0)} ms</text>`,
      ].join('');
    })
    .join('\n');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="bold">${escape(title)}</text>
${bars}
</svg>
`;
}
