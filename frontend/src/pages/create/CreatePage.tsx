export default function CreatePage() {
  return <h1>CreatePage</h1>;
}
