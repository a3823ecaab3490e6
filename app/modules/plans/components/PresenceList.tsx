// Who else has the plan open, with the colour of their caret; the names come from the server, never from the browser.
import type { PresenceUser } from "~/editor/presence";

export function PresenceList({ people, selfId }: { people: PresenceUser[]; selfId: string }) {
  const others = people.filter((p) => p.id !== selfId);
  return (
    <section className="ck-presence" aria-label="People in this plan">
      <h2 className="ck-visually-hidden">People in this plan</h2>
      {others.length === 0 ? (
        <p className="ck-presence__alone">Only you are here.</p>
      ) : (
        <ul>
          {others.map((person) => (
            <li key={person.id}>
              <span className="ck-presence__swatch" style={{ background: person.color }} aria-hidden="true" />
              {person.name}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
