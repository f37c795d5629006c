export default function MyVideosPage() {
  return <h1>MyVideosPage</h1>;
}
