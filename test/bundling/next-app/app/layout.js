// Next.js needs a root layout to build (its own 404 page uses it); the app has no pages.
export default function RootLayout({ children }) {
  return (
    <html lang="en">
      <body>{children}</body>
    </html>
  );
}
