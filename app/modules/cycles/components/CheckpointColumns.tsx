// The header row of a table with one column per checkpoint, after a first column naming the rows.
import { checkpointLabels, checkpoints } from "../school-year";

export function CheckpointHeaderRow({ first }: { first: string }) {
  return (
    <tr>
      <th scope="col">{first}</th>
      {checkpoints.map((c) => (
        <th scope="col" key={c}>
          {checkpointLabels[c]}
        </th>
      ))}
    </tr>
  );
}
