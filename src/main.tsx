import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { initEngine } from './app/controller';
import { App } from './ui/App';
import './ui/styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void initEngine();
