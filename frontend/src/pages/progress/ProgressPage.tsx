export default function ProgressPage() {
  return <h1>ProgressPage</h1>;
}
