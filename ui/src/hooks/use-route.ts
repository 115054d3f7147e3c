import { useEffect, useState } from 'preact/hooks';
import { type Route, parseRoute } from '../routing';

/** The view the address names; follows the back and forward buttons and links. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
