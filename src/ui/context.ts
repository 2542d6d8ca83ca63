import { createContext, useContext } from 'react';
import type { AppParts } from '../app/composition';

export const AppContext = createContext<AppParts | null>(null);

/** The app's parts (store, bus, engine host, live view, photos), from main.tsx. */
export function useApp(): AppParts {
  const app = useContext(AppContext);
  if (!app) throw new Error('useApp() outside <AppContext.Provider>');
  return app;
}
