// The Docker / self-hosted shape: `next build` writes a self-contained server to .next/standalone.
export default {
  output: 'standalone',
  eslint: { ignoreDuringBuilds: true },
};
