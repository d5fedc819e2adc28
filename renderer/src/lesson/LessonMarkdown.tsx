/**
 * A lesson's instructions and hints: Markdown written by whoever made the lesson, so untrusted.
 * react-markdown never renders raw HTML (it shows it as text) and drops javascript: and other
 * unsafe link targets; images are not loaded (a lesson cannot make the app fetch anything). Links
 * open outside the app: the desktop host sends a new window's https link to the user's browser
 * and refuses the rest; in a browser they open in a new tab.
 */
import Markdown, { type Components } from 'react-markdown';

const isWebLink = (href: string | undefined): href is string => !!href && /^https?:\/\//i.test(href);

const COMPONENTS: Components = {
  a: ({ href, children }) =>
    isWebLink(href) ? (
      <a href={href} target="_blank" rel="noopener noreferrer" title={href}>
        {children}
      </a>
    ) : (
      <span className="lesson-dead-link" title="Only web links open from a lesson">
        {children}
      </span>
    ),
};

export function LessonMarkdown({ text }: { text: string }) {
  return (
    <div className="lesson-markdown">
      <Markdown components={COMPONENTS} disallowedElements={['img']} unwrapDisallowed>
        {text}
      </Markdown>
    </div>
  );
}
